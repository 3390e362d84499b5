namespace VoteChain.Consensus.Ballots;

/// <summary>
/// An ElGamal key pair on ristretto255: secret s (never zero), public H = s·G (never the identity, which would
/// make every ciphertext readable). For an election the secret is shared among trustees and never held whole.
/// </summary>
public sealed class ElGamalKeyPair
{
    private ElGamalKeyPair(Scalar secret, GroupElement publicKey)
    {
        Secret = secret;
        PublicKey = publicKey;
    }

    public Scalar Secret { get; }

    public GroupElement PublicKey { get; }

    public static ElGamalKeyPair Generate() => FromSecret(Scalar.RandomNonZero());

    public static ElGamalKeyPair FromSecret(Scalar secret)
    {
        if (secret.IsZero)
        {
            throw new ArgumentException("a secret key is never zero", nameof(secret));
        }

        return new ElGamalKeyPair(secret, GroupElement.MultiplyBase(secret));
    }

    /// <summary>A usable public key is a canonical, non-identity element.</summary>
    public static bool IsUsablePublicKey(GroupElement key) => !key.IsIdentity;
}
