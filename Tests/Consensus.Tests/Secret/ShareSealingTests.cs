using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;

namespace VoteChain.Consensus.Tests.Secret;

public sealed class ShareSealingTests
{
    private TrusteeKey _alice = null!;
    private TrusteeKey _bob = null!;

    [SetUp]
    public void SetUp()
    {
        _alice = TrusteeKey.FromSeed(SecretTestChain.Seed(1));
        _bob = TrusteeKey.FromSeed(SecretTestChain.Seed(2));
    }

    [TearDown]
    public void TearDown()
    {
        _alice.Dispose();
        _bob.Dispose();
    }

    private byte[] SealToAlice(Scalar share)
    {
        Assert.That(ShareSealing.TrySeal(_alice.PublicKey, share, out var sealedShare), Is.True);
        Assert.That(sealedShare, Has.Length.EqualTo(ShareSealing.SealedSize));
        return sealedShare;
    }

    [Test]
    public void A_sealed_share_opens_to_the_same_scalar_for_its_recipient_only()
    {
        var share = Scalar.Random();
        var sealedShare = SealToAlice(share);

        Assert.That(ShareSealing.TryOpen(_alice, sealedShare, out var opened), Is.True);
        Assert.That(opened, Is.EqualTo(share));
        Assert.That(ShareSealing.TryOpen(_bob, sealedShare, out var wrong), Is.False, "another trustee cannot open it");
        Assert.That(wrong, Is.EqualTo(Scalar.Zero));
    }

    [Test]
    public void Sealing_is_randomized_so_equal_shares_do_not_show()
    {
        var share = Scalar.Random();
        var first = SealToAlice(share);
        var second = SealToAlice(share);
        Assert.That(second, Is.Not.EqualTo(first));
    }

    [TestCase(0, TestName = "A flipped byte in the ephemeral key fails to open")]
    [TestCase(40, TestName = "A flipped byte in the MAC fails to open")]
    [TestCase(79, TestName = "A flipped byte in the encrypted share fails to open")]
    public void A_flipped_byte_fails(int index)
    {
        var sealedShare = SealToAlice(Scalar.Random());
        sealedShare[index] ^= 1;
        Assert.That(ShareSealing.TryOpen(_alice, sealedShare, out _), Is.False);
    }

    [TestCase(0)]
    [TestCase(47)]
    [TestCase(79)]
    [TestCase(81)]
    public void Wrong_lengths_fail_without_throwing(int length)
    {
        var sealedShare = SealToAlice(Scalar.Random());
        var resized = new byte[length];
        sealedShare.AsSpan(0, Math.Min(length, sealedShare.Length)).CopyTo(resized);
        Assert.That(ShareSealing.TryOpen(_alice, resized, out _), Is.False);
    }

    [Test]
    public void A_sealed_plaintext_that_is_not_a_canonical_scalar_does_not_open()
    {
        var curvePublic = new byte[SodiumBox.PublicKeyBytes];
        Assert.That(SodiumBox.Ed25519PublicToCurve(curvePublic, _alice.PublicKey), Is.True);
        var sealedShare = new byte[ShareSealing.SealedSize];
        Assert.That(SodiumBox.Seal(sealedShare, Enumerable.Repeat((byte)0xff, 32).ToArray(), curvePublic), Is.True);
        Assert.That(ShareSealing.TryOpen(_alice, sealedShare, out _), Is.False);
    }

    [Test]
    public void Keys_that_cannot_receive_are_refused_when_sealing()
    {
        var identity = new byte[32];
        identity[0] = 1; // the Ed25519 identity, a small-order point
        Assert.That(ShareSealing.TrySeal(identity, Scalar.One, out _), Is.False);
        Assert.That(ShareSealing.TrySeal(_alice.PublicKey.AsSpan(0, 31), Scalar.One, out _), Is.False);
    }
}
