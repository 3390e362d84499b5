using System.Text;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Tests;

public sealed class Ed25519Tests
{
    [Test]
    public void A_signature_verifies_with_its_key_and_not_after_tampering()
    {
        using var key = Ed25519KeyPair.Generate();
        var message = Encoding.UTF8.GetBytes("vote for option 2");
        var signature = key.Sign(message);

        Assert.That(Ed25519.Verify(key.PublicKey, message, signature), Is.True);
        message[0] ^= 1;
        Assert.That(Ed25519.Verify(key.PublicKey, message, signature), Is.False);
    }

    [Test]
    public void Malformed_keys_and_signatures_are_invalid_not_exceptions()
    {
        Assert.That(Ed25519.Verify(new byte[31], [1], new byte[64]), Is.False);
        Assert.That(Ed25519.Verify(new byte[32], [1], new byte[63]), Is.False);
    }

    [Test]
    public void A_key_pair_rebuilt_from_its_seed_has_the_same_public_key()
    {
        using var key = Ed25519KeyPair.Generate();
        using var again = Ed25519KeyPair.FromSeed(key.ExportSeed());
        Assert.That(again.PublicKey, Is.EqualTo(key.PublicKey));
    }

    [Test]
    public void Generated_public_keys_are_points_of_the_curve()
    {
        for (var i = 0; i < 50; i++)
        {
            using var key = Ed25519KeyPair.Generate();
            Assert.That(Ed25519.IsWellFormedPublicKey(key.PublicKey), Is.True);
        }
    }

    [Test]
    public void Bytes_that_encode_no_point_are_not_public_keys()
    {
        // y = 2 has no x on the curve; all-ones is y >= p; x = 0 with the sign bit set is non-canonical.
        var noPoint = new byte[32];
        noPoint[0] = 2;
        var tooLarge = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        var negativeZero = new byte[32];
        negativeZero[0] = 1;
        negativeZero[31] = 0x80;

        Assert.That(Ed25519.IsWellFormedPublicKey(noPoint), Is.False);
        Assert.That(Ed25519.IsWellFormedPublicKey(tooLarge), Is.False);
        Assert.That(Ed25519.IsWellFormedPublicKey(negativeZero), Is.False);
        Assert.That(Ed25519.IsWellFormedPublicKey(new byte[31]), Is.False);
    }

    [Test]
    public void Keys_checked_ahead_on_every_core_keep_the_verdicts_of_checks_one_at_a_time()
    {
        // Valid keys, keys that encode no point, and one point of small order (the identity, y = 1), mixed.
        var valid = Enumerable.Range(0, 300).Select(_ => { using var k = Ed25519KeyPair.Generate(); return k.PublicKey; }).ToList();
        var identity = new byte[32];
        identity[0] = 1;
        var invalid = Enumerable.Range(0, 20).Select(i => { var b = new byte[32]; b[0] = 2; b[1] = (byte)i; return b; })
            .Where(b => !Ed25519.IsWellFormedPublicKey(b)).Append(identity).Append(Enumerable.Repeat((byte)0xFF, 32).ToArray()).ToList();
        var keys = valid.Concat(invalid).OrderBy(_ => Random.Shared.Next()).Select(k => (ReadOnlyMemory<byte>)k).ToList();

        Ed25519.CheckKeysAhead(keys, ParallelChecks.Options);
        Ed25519.CheckKeysAhead(keys, ParallelChecks.Options);

        Assert.That(valid.All(k => Ed25519.IsWellFormedPublicKey(k)), Is.True);
        Assert.That(invalid, Has.Count.GreaterThan(2));
        Assert.That(invalid.Any(k => Ed25519.IsWellFormedPublicKey(k)), Is.False, "an invalid key is never remembered as valid");
    }
}
