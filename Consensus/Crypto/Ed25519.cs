using NSec.Cryptography;

namespace VoteChain.Consensus.Crypto;

/// <summary>Signature verification. Never throws for bad input: a malformed key or signature is just invalid.</summary>
public static class Ed25519
{
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    /// <summary>True when the bytes encode a point of the curve, so that a signature could ever verify with them.</summary>
    public static bool IsWellFormedPublicKey(ReadOnlySpan<byte> publicKey) => Ed25519Point.IsOnCurve(publicKey);

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        if (!NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)
            || key is null)
        {
            return false;
        }

        return Algorithm.Verify(key, message, signature);
    }
}
