namespace VoteChain.Consensus.Ballots;

/// <summary>Exponential ElGamal encryption of small non-negative integers under a public key H.</summary>
public static class ElGamal
{
    /// <summary>(r·G, v·G + r·H) with the caller's randomness r (kept by the caller for proofs and audits).</summary>
    public static Ciphertext Encrypt(GroupElement publicKey, ulong value, Scalar randomness) =>
        Encrypt(publicKey, GroupElement.MultiplyBase(Scalar.FromUInt64(value)), randomness);

    /// <summary>
    /// (r·G, M + r·H) for a message point M = v·G the caller already holds (a ballot computes w·G once for all its
    /// options). The addition runs even when M is the identity, so an unchosen option costs what a chosen one does.
    /// </summary>
    internal static Ciphertext Encrypt(GroupElement publicKey, GroupElement messagePoint, Scalar randomness)
    {
        if (!ElGamalKeyPair.IsUsablePublicKey(publicKey))
        {
            throw new ArgumentException("the identity is not a public key", nameof(publicKey));
        }

        var a = GroupElement.MultiplyBase(randomness);
        var masked = publicKey.Multiply(randomness);
        return new Ciphertext(a, messagePoint.Add(masked));
    }

    /// <summary>Encrypts with fresh non-zero randomness, returned so the voter can prove or audit the ballot.</summary>
    public static (Ciphertext Ciphertext, Scalar Randomness) Encrypt(GroupElement publicKey, ulong value)
    {
        // r = 0 would put v·G in the clear; non-zero also keeps A off the identity, which proofs refuse.
        var r = Scalar.RandomNonZero();
        return (Encrypt(publicKey, value, r), r);
    }

    /// <summary>v·G = B − s·A with the whole secret (tests and single-key use; elections decrypt by shares).</summary>
    public static GroupElement DecryptToElement(Scalar secret, Ciphertext ciphertext) =>
        ciphertext.B.Subtract(ciphertext.A.Multiply(secret));
}
