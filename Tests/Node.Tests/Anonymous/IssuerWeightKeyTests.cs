using System.Security.Cryptography;
using VoteChain.Consensus.Anonymous;
using VoteChain.Node.Anonymous;

namespace VoteChain.Node.Tests.Anonymous;

/// <summary>
/// An issuer's per-weight keys come back from its seed alone, differ for every input, and are keys the chain accepts.
/// Each derivation is a 3072-bit key generation (about 2 s here), so the tests derive as few as they can.
/// </summary>
public sealed class IssuerWeightKeyTests
{
    private static readonly byte[] Seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    // SHA-256 of the public key derived from Seed for ("votechain-kat", "kat-election", 3). If this changes, every
    // issuer would derive different keys after the upgrade than the ones its elections name: see IssuerWeightKey.
    private const string KnownAnswer = "fbd3ed1a5717326419880e3b556486811469dd6af823c085755ec6599ecde6c3";

    [Test]
    public void The_same_inputs_give_the_same_key_and_another_weight_another_key()
    {
        var first = IssuerWeightKey.Derive(Seed, "votechain-kat", "kat-election", 3);
        var again = IssuerWeightKey.Derive(Seed, "votechain-kat", "kat-election", 3);
        var otherWeight = IssuerWeightKey.Derive(Seed, "votechain-kat", "kat-election", 4);

        Assert.Multiple(() =>
        {
            Assert.That(again.PublicKeyDer, Is.EqualTo(first.PublicKeyDer));
            Assert.That(again.PrivateKey.P, Is.EqualTo(first.PrivateKey.P));
            Assert.That(again.PrivateKey.Exponent, Is.EqualTo(first.PrivateKey.Exponent));
            Assert.That(otherWeight.PublicKeyDer, Is.Not.EqualTo(first.PublicKeyDer));
            Assert.That(IssuerKeyCheck.Problem(first.PublicKeyDer), Is.Null);
            Assert.That(IssuerKeyCheck.Problem(otherWeight.PublicKeyDer), Is.Null);
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(first.PublicKeyDer)), Is.EqualTo(KnownAnswer),
                "BouncyCastle still turns the same random bytes into the same key");
        });
    }

    [Test]
    public void Every_input_and_every_boundary_between_inputs_changes_the_DRBG_seed()
    {
        var baseline = Convert.ToHexString(IssuerWeightKey.DrbgSeed(Seed, "ab", "c", 1));
        var otherSeed = (byte[])Seed.Clone();
        otherSeed[31] ^= 1;
        string[] variants =
        [
            Convert.ToHexString(IssuerWeightKey.DrbgSeed(otherSeed, "ab", "c", 1)),
            Convert.ToHexString(IssuerWeightKey.DrbgSeed(Seed, "ab2", "c", 1)),
            Convert.ToHexString(IssuerWeightKey.DrbgSeed(Seed, "ab", "c2", 1)),
            Convert.ToHexString(IssuerWeightKey.DrbgSeed(Seed, "ab", "c", 2)),
            Convert.ToHexString(IssuerWeightKey.DrbgSeed(Seed, "a", "bc", 1)), // same concatenation, other split
            Convert.ToHexString(IssuerWeightKey.DrbgSeed(Seed, "ab", "c", 1UL << 56)), // weight byte order
        ];

        Assert.That(variants, Has.None.EqualTo(baseline));
        Assert.That(variants.Distinct().Count(), Is.EqualTo(variants.Length));
        Assert.That(Convert.ToHexString(IssuerWeightKey.DrbgSeed(Seed, "ab", "c", 1)), Is.EqualTo(baseline));
    }

    [Test]
    public void A_seed_of_the_wrong_length_is_refused()
    {
        Assert.That(() => IssuerWeightKey.Derive(new byte[31], "c", "e", 1), Throws.ArgumentException);
        Assert.That(() => IssuerWeightKey.Derive(new byte[33], "c", "e", 1), Throws.ArgumentException);
    }
}
