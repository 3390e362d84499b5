using System.Formats.Asn1;
using System.Security.Cryptography;

namespace VoteChain.Consensus.Anonymous;

/// <summary>
/// The chain's side of RSA blind signatures (RFC 9474, RSABSSA-SHA384-PSS-Randomized): which issuer public keys an
/// election may name, and whether a credential's unblinded signature is valid. A blind signature is an ordinary
/// RSASSA-PSS signature (SHA-384, MGF1-SHA-384, 48-byte salt) over the prepared message (32-byte random prefix ‖
/// message), so the BCL verifies it; the voter's and issuer's side (blinding, signing) lives in Node.
/// One key shape only (3072-bit modulus, e = 65537, canonical DER), so every node agrees byte for byte on which keys
/// are valid and an issuer cannot pick an exotic key (a tiny exponent, an oversize modulus that makes every
/// verification slow). Bad input is refused with a reason or <c>false</c>, never an exception.
/// </summary>
public static class IssuerKeyCheck
{
    public const int KeyBits = 3072;

    /// <summary>A signature is exactly the modulus length (RFC 8017's I2OSP to k bytes).</summary>
    public const int SignatureSize = KeyBits / 8;

    /// <summary>The Randomized variant's message prefix (RFC 9474 §4.1), which keeps the signed message unpredictable.</summary>
    public const int PrefixSize = 32;

    /// <summary>PSS salt length: the hash length, which is what .NET's <see cref="RSASignaturePadding.Pss"/> uses.</summary>
    public const int SaltSize = 48;

    public const int PublicExponent = 65537;

    /// <summary>
    /// The canonical SubjectPublicKeyInfo DER of every accepted key has exactly this length (a 3072-bit modulus with
    /// its top bit set is 385 content bytes with the sign byte), so anything longer is refused before parsing.
    /// </summary>
    public const int PublicKeySize = 422;

    /// <summary>The message a credential binds (chain, election, weight, key) is small; this bounds the hashing cost.</summary>
    public const int MaxMessageSize = 1024;

    public const int MaxPreparedMessageSize = PrefixSize + MaxMessageSize;

    // Verifications repeat against the keys of the open elections; parsing and checking a key costs far more than a
    // verification (about 1.6 ms against 0.07 ms here), so each thread keeps the keys it parsed (one RSA object per
    // thread: the BCL does not promise that one instance may verify on several threads at once). Bounded so keys of
    // old elections do not pile up, and large enough (8 issuers, 32 weights) that cycling through an election's keys
    // cannot make every verification parse again; when full, one key leaves, not all.
    private const int CacheLimit = 256;

    [ThreadStatic]
    private static Dictionary<string, RSA>? _parsedKeys;

    /// <summary>Why <paramref name="publicKeyDer"/> is not an acceptable issuer key, or null when it is.</summary>
    public static string? Problem(ReadOnlySpan<byte> publicKeyDer)
    {
        using var key = Parse(publicKeyDer, out var problem);
        return problem;
    }

    /// <summary>
    /// True when <paramref name="signature"/> is a valid RSASSA-PSS-SHA384 signature of <paramref name="preparedMessage"/>
    /// under an acceptable issuer key. False for anything else, including malformed keys and oversize inputs.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKeyDer, ReadOnlySpan<byte> preparedMessage, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize || preparedMessage.Length < PrefixSize ||
            preparedMessage.Length > MaxPreparedMessageSize || publicKeyDer.Length != PublicKeySize)
        {
            return false;
        }

        var key = CachedKey(publicKeyDer);
        return key is not null && VerifyPss(key, preparedMessage, signature);
    }

    /// <summary>
    /// The one RSASSA-PSS check (SHA-384, MGF1-SHA-384, salt of hash length) for a key of any size: the chain's
    /// <see cref="Verify"/> and the voter's check of an unblinded signature both end here.
    /// </summary>
    public static bool VerifyPss(RSA key, ReadOnlySpan<byte> preparedMessage, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (signature.Length != (key.KeySize + 7) / 8)
        {
            return false;
        }

        try
        {
            return key.VerifyData(preparedMessage, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static RSA? CachedKey(ReadOnlySpan<byte> publicKeyDer)
    {
        var cache = _parsedKeys ??= new Dictionary<string, RSA>(StringComparer.Ordinal);
        var id = Convert.ToBase64String(publicKeyDer);
        if (cache.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var key = Parse(publicKeyDer, out _);
        if (key is null)
        {
            return null;
        }

        if (cache.Count >= CacheLimit)
        {
            var (oldId, old) = cache.First();
            old.Dispose();
            cache.Remove(oldId);
        }

        cache[id] = key;
        return key;
    }

    /// <summary>The parsed key, or null with the reason it is refused.</summary>
    private static RSA? Parse(ReadOnlySpan<byte> der, out string? problem)
    {
        if (der.Length > PublicKeySize)
        {
            problem = $"An issuer key is a {KeyBits}-bit RSA SubjectPublicKeyInfo of {PublicKeySize} bytes; got {der.Length} bytes.";
            return null;
        }

        var key = RSA.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(der, out var read);
            problem = read != der.Length ? "The issuer key has bytes after its DER encoding." : ShapeProblem(key, der);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            problem = "The issuer key is not an RSA SubjectPublicKeyInfo in DER.";
        }

        if (problem is null)
        {
            return key;
        }

        key.Dispose();
        return null;
    }

    private static string? ShapeProblem(RSA key, ReadOnlySpan<byte> der)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var modulus = parameters.Modulus!;
        if (key.KeySize != KeyBits || modulus.Length != SignatureSize || modulus[0] < 0x80)
        {
            return $"The issuer key's modulus has {key.KeySize} bits; an issuer key has {KeyBits}.";
        }

        // An even modulus is no RSA key at all; refusing it costs nothing.
        if ((modulus[^1] & 1) == 0)
        {
            return "The issuer key's modulus is even.";
        }

        if (!parameters.Exponent.AsSpan().SequenceEqual(new byte[] { 0x01, 0x00, 0x01 }))
        {
            return $"The issuer key's public exponent is 0x{Convert.ToHexString(parameters.Exponent!)}; an issuer key uses {PublicExponent}.";
        }

        // Re-encoding must give back the same bytes: a key has one encoding, so two nodes (or a hash of the key)
        // cannot disagree about whether two issuer keys are the same (BER lengths, missing NULL parameters...).
        return key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(der)
            ? null
            : "The issuer key is not in canonical DER (its re-encoding differs).";
    }
}
