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

    /// <summary>Runs <see cref="IsWellFormedPublicKey"/> for many keys on every core, so that later checks of them are lookups.</summary>
    public static void CheckKeysAhead(IReadOnlyList<ReadOnlyMemory<byte>> keys, ParallelOptions parallel) => Ed25519Point.WarmUp(keys, parallel);

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

    /// <summary>
    /// Why a list of keys an election names (trustees, issuers) is not a list of distinct valid Ed25519 public keys,
    /// or null when it is. <paramref name="what"/> names them in the sentence ("trustee", "issuer").
    /// </summary>
    public static string? KeyListProblem(IReadOnlyCollection<Google.Protobuf.ByteString> keys, string what)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Any(k => !IsWellFormedPublicKey(k.Span)))
        {
            return $"Every {what} key must be a valid 32-byte Ed25519 public key.";
        }

        return keys.Select(k => k.ToBase64()).Distinct(StringComparer.Ordinal).Count() != keys.Count
            ? $"The {what} keys must be distinct."
            : null;
    }
}
