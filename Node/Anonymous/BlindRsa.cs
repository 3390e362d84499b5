using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using VoteChain.Consensus.Anonymous;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// RSA blind signatures, RFC 9474 RSABSSA-SHA384-PSS-Randomized: the voter prepares and blinds a message, the issuer
/// signs the blinded value without seeing the message, the voter unblinds it into an ordinary RSA-PSS signature that
/// the chain checks with <see cref="IssuerKeyCheck.Verify"/>. The issuer learns nothing that links the signature it
/// later sees on chain to the request it answered, provided the blinding factor is uniform in [1, n) (see
/// <see cref="Blind(byte[], byte[])"/>) and the issuer's key is an RSA permutation (an honest key is).
/// BouncyCastle does the PSS encoding and the RSA operations; this class adds what the RFC asks beyond them: the
/// message prefix, the coprimality check, the issuer's check of its own signature and the voter's final verification.
/// Sizes are generic (2048 to 4096 bits) so the RFC's 4096-bit test vector runs; the chain accepts 3072 only.
/// Every refusal of outside input is a <see cref="CryptographicException"/> with a one-line reason.
/// </summary>
public static class BlindRsa
{
    public const int MinKeyBits = 2048;
    public const int MaxKeyBits = 4096;

    // A 4096-bit key's SubjectPublicKeyInfo is 550 bytes; nothing longer is parsed.
    private const int MaxPublicKeySize = 600;

    private const int ValidatedKeyLimit = 64;

    private static readonly ConcurrentDictionary<string, RsaKeyParameters> ValidatedKeys = new(StringComparer.Ordinal);

    /// <summary>The Randomized variant's preparation: a fresh 32-byte prefix ‖ message (RFC 9474 §4.1).</summary>
    public static byte[] Prepare(ReadOnlySpan<byte> message) =>
        Prepare(message, RandomNumberGenerator.GetBytes(IssuerKeyCheck.PrefixSize));

    internal static byte[] Prepare(ReadOnlySpan<byte> message, ReadOnlySpan<byte> prefix)
    {
        if (message.Length > IssuerKeyCheck.MaxMessageSize)
        {
            throw new ArgumentException($"A message to sign blindly is at most {IssuerKeyCheck.MaxMessageSize} bytes.", nameof(message));
        }

        if (prefix.Length != IssuerKeyCheck.PrefixSize)
        {
            throw new ArgumentException($"The message prefix is {IssuerKeyCheck.PrefixSize} bytes.", nameof(prefix));
        }

        return [.. prefix, .. message];
    }

    /// <summary>
    /// The voter's step (RFC 9474 §4.2): EMSA-PSS-encode the prepared message with a random salt, multiply by r^e for
    /// a random r, and keep r⁻¹ for <see cref="Finalize"/>. The blinded message is the only thing the issuer sees.
    /// </summary>
    public static BlindedMessage Blind(byte[] publicKeyDer, byte[] preparedMessage) =>
        Blind(publicKeyDer, preparedMessage, salt: null, inverse: null);

    /// <summary>
    /// <see cref="Blind(byte[], byte[])"/> with the salt and r⁻¹ given instead of drawn, for the RFC's test vector.
    /// </summary>
    internal static BlindedMessage Blind(byte[] publicKeyDer, byte[] preparedMessage, byte[]? salt, byte[]? inverse)
    {
        ArgumentNullException.ThrowIfNull(preparedMessage);
        var key = PublicKey(publicKeyDer);
        var n = key.Modulus;
        var random = new SecureRandom();

        // The RFC draws r uniformly from [1, n). BouncyCastle's RsaBlindingFactorGenerator draws below 2^(bits-1)
        // instead; an issuer could then test a candidate message m by computing (z/m)^d and seeing whether it lands
        // in that half, a bit of linkage per guess. So r is drawn here, over the whole range.
        var r = inverse is null
            ? BigIntegers.CreateRandomInRange(BigInteger.One, n.Subtract(BigInteger.One), random)
            : Invert(new BigInteger(1, inverse), n);
        var inv = inverse is null ? Invert(r, n) : new BigInteger(1, inverse);

        var signer = salt is null
            ? new PssSigner(new RsaBlindingEngine(), new Sha384Digest(), IssuerKeyCheck.SaltSize)
            : new PssSigner(new RsaBlindingEngine(), new Sha384Digest(), salt);
        signer.Init(true, new ParametersWithRandom(new RsaBlindingParameters(key, r), random));
        signer.BlockUpdate(preparedMessage, 0, preparedMessage.Length);
        var blinded = signer.GenerateSignature();

        // RFC 9474 §4.2 step 3 refuses an encoded message m that shares a factor with n (it would reveal the factor
        // to the issuer and cannot be blinded). BouncyCastle does not check; z = m·r^e with r a unit, so
        // gcd(z, n) = gcd(m, n) and checking z is the same test.
        if (!new BigInteger(1, blinded).Gcd(n).Equals(BigInteger.One))
        {
            throw new CryptographicException("The encoded message is not coprime to the issuer's modulus (RFC 9474 §4.2).");
        }

        return new BlindedMessage(blinded, new BlindingState(BigIntegers.AsUnsignedByteArray(blinded.Length, inv)));
    }

    /// <summary>
    /// The issuer's step (RFC 9474 §4.3): s = z^d mod n, with BouncyCastle's randomized blinding of the private
    /// operation against timing attacks, and a check that s^e = z before s leaves (a faulty CRT computation would
    /// leak a factor of n). Refuses a value that is not exactly the modulus length or not below the modulus.
    /// </summary>
    public static byte[] BlindSign(RsaPrivateCrtKeyParameters privateKey, byte[] blindedMessage)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(blindedMessage);
        var n = privateKey.Modulus;
        var size = (n.BitLength + 7) / 8;
        if (blindedMessage.Length != size)
        {
            throw new CryptographicException($"A blinded message is {size} bytes; got {blindedMessage.Length}.");
        }

        var z = new BigInteger(1, blindedMessage);
        if (z.CompareTo(n) >= 0)
        {
            throw new CryptographicException("The blinded message is not below the issuer's modulus (RFC 9474 §4.3).");
        }

        var engine = new RsaBlindedEngine();
        engine.Init(false, new ParametersWithRandom(privateKey, new SecureRandom()));
        BigInteger s;
        try
        {
            s = new BigInteger(1, engine.ProcessBlock(blindedMessage, 0, blindedMessage.Length));
        }
        catch (InvalidOperationException e)
        {
            // BouncyCastle's own check of the CRT result failed: the same failure as the check below.
            throw new CryptographicException("The blind signature does not verify (RFC 9474 §4.3 signing failure).", e);
        }

        if (!s.ModPow(privateKey.PublicExponent, n).Equals(z))
        {
            throw new CryptographicException("The blind signature does not verify (RFC 9474 §4.3 signing failure).");
        }

        return BigIntegers.AsUnsignedByteArray(size, s);
    }

    /// <summary>
    /// The voter's last step (RFC 9474 §4.4): s = z·r⁻¹ mod n, returned only if it is a valid RSA-PSS signature of
    /// the prepared message, so an issuer that answered wrongly (or for another key) is caught here, not on chain.
    /// </summary>
    public static byte[] Finalize(byte[] publicKeyDer, byte[] preparedMessage, byte[] blindSignature, BlindingState state)
    {
        ArgumentNullException.ThrowIfNull(preparedMessage);
        ArgumentNullException.ThrowIfNull(blindSignature);
        ArgumentNullException.ThrowIfNull(state);
        var n = PublicKey(publicKeyDer).Modulus;
        var size = (n.BitLength + 7) / 8;
        if (blindSignature.Length != size)
        {
            throw new CryptographicException($"A blind signature is {size} bytes; got {blindSignature.Length}.");
        }

        var z = new BigInteger(1, blindSignature);
        var inv = new BigInteger(1, state.Inverse);
        if (z.CompareTo(n) >= 0 || inv.CompareTo(n) >= 0)
        {
            throw new CryptographicException("The blind signature or the blinding state is not below the issuer's modulus.");
        }

        var signature = BigIntegers.AsUnsignedByteArray(size, z.Multiply(inv).Mod(n));
        using var rsa = ImportPublicKey(publicKeyDer);
        if (!IssuerKeyCheck.VerifyPss(rsa, preparedMessage, signature))
        {
            throw new CryptographicException(
                "The issuer's answer does not unblind to a valid signature of this message under its key.");
        }

        return signature;
    }

    /// <summary>
    /// The issuer's key as BouncyCastle needs it. BouncyCastle validates a modulus when the key object is made
    /// (odd, no small factor, a Miller-Rabin round proving it composite), which costs tens of milliseconds, several
    /// times the blinding itself; keys are immutable, so validated ones are kept (bounded) and shared by threads.
    /// </summary>
    private static RsaKeyParameters PublicKey(byte[] publicKeyDer)
    {
        ArgumentNullException.ThrowIfNull(publicKeyDer);
        var id = Convert.ToBase64String(publicKeyDer);
        if (ValidatedKeys.TryGetValue(id, out var cached))
        {
            return cached;
        }

        using var rsa = ImportPublicKey(publicKeyDer);
        var key = ToBouncyCastle(rsa);
        if (ValidatedKeys.Count >= ValidatedKeyLimit)
        {
            ValidatedKeys.Clear();
        }

        ValidatedKeys[id] = key;
        return key;
    }

    /// <summary>
    /// The issuer's public key, parsed by the BCL (the chain's parser) and bounded before parsing. Only the size
    /// range is checked here; the chain's stricter rule is <see cref="IssuerKeyCheck.Problem"/>.
    /// </summary>
    private static RSA ImportPublicKey(byte[] publicKeyDer)
    {
        ArgumentNullException.ThrowIfNull(publicKeyDer);
        if (publicKeyDer.Length > MaxPublicKeySize)
        {
            throw new CryptographicException($"An issuer public key is at most {MaxPublicKeySize} bytes; got {publicKeyDer.Length}.");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(publicKeyDer, out var read);
            if (read != publicKeyDer.Length || rsa.KeySize is < MinKeyBits or > MaxKeyBits)
            {
                throw new CryptographicException($"An issuer public key is one RSA key of {MinKeyBits} to {MaxKeyBits} bits.");
            }

            return rsa;
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            rsa.Dispose();
            throw e as CryptographicException
                ?? new CryptographicException("The issuer public key is not an RSA SubjectPublicKeyInfo in DER.", e);
        }
    }

    private static RsaKeyParameters ToBouncyCastle(RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        try
        {
            return new RsaKeyParameters(false, new BigInteger(1, parameters.Modulus), new BigInteger(1, parameters.Exponent));
        }
        catch (ArgumentException e)
        {
            // BouncyCastle refuses an even modulus or one with a small prime factor.
            throw new CryptographicException($"The issuer public key is not a usable RSA key: {e.Message}", e);
        }
    }

    private static BigInteger Invert(BigInteger value, BigInteger modulus)
    {
        if (value.SignValue > 0 && value.CompareTo(modulus) < 0)
        {
            try
            {
                return value.ModInverse(modulus);
            }
            catch (ArithmeticException)
            {
                // not a unit: falls through to the refusal
            }
        }

        throw new CryptographicException("The blinding factor is not invertible modulo the issuer's modulus (RFC 9474 §4.2).");
    }
}
