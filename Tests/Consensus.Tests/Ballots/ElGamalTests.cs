using VoteChain.Consensus.Ballots;

namespace VoteChain.Consensus.Tests.Ballots;

public sealed class ElGamalTests
{
    private static ulong Decrypt(ElGamalKeyPair key, Ciphertext c)
    {
        Assert.That(new DiscreteLogTable(1000).TrySolve(ElGamal.DecryptToElement(key.Secret, c), out var v), Is.True);
        return v;
    }

    [Test]
    public void Encryption_round_trips_and_sums_homomorphically()
    {
        var key = ElGamalKeyPair.Generate();
        var (c1, _) = ElGamal.Encrypt(key.PublicKey, 7);
        var (c2, _) = ElGamal.Encrypt(key.PublicKey, 0);
        var (c3, _) = ElGamal.Encrypt(key.PublicKey, 35);
        Assert.That(Decrypt(key, c1), Is.EqualTo(7));
        Assert.That(Decrypt(key, c2), Is.EqualTo(0));
        Assert.That(Decrypt(key, Ciphertext.Sum([c1, c2, c3])), Is.EqualTo(42));
        Assert.That(Decrypt(key, c3.Subtract(c1)), Is.EqualTo(28));
        // A revote: the tally minus the old ballot plus the new one.
        Assert.That(Decrypt(key, Ciphertext.Sum([c1, c3]).Subtract(c1).Add(c2)), Is.EqualTo(35));
    }

    [Test]
    public void Ciphertexts_encode_canonically_and_the_zero_tally_is_valid()
    {
        var key = ElGamalKeyPair.Generate();
        var (c, _) = ElGamal.Encrypt(key.PublicKey, 5);
        Assert.That(Ciphertext.TryParse(c.ToArray(), out var parsed) && parsed.Equals(c), Is.True);
        Assert.That(Ciphertext.TryParse(Ciphertext.Zero.ToArray(), out var zero) && zero.A.IsIdentity, Is.True);
        Assert.That(Ciphertext.TryParse(c.ToArray().AsSpan(0, 63), out _), Is.False);
        var bad = c.ToArray();
        bad[63] |= 0x80;
        Assert.That(Ciphertext.TryParse(bad, out _), Is.False);
        Assert.That(Decrypt(key, c.Subtract(c)), Is.EqualTo(0));
    }

    [Test]
    public void The_identity_is_not_a_key()
    {
        Assert.That(() => ElGamal.Encrypt(GroupElement.Identity, 1), Throws.ArgumentException);
        Assert.That(() => ElGamalKeyPair.FromSecret(Scalar.Zero), Throws.ArgumentException);
    }
}
