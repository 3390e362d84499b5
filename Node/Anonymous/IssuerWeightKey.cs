using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng.Drbg;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using VoteChain.Consensus.Anonymous;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// An issuer's RSA-3072 key for one weight of one election, derived from the issuer's 32-byte seed alone, so an
/// issuer restarts from its seed file without a key store and anyone holding the seed (the issuer, after a crash or
/// on a second machine) gets the key it published, byte for byte.
/// Derivation: HKDF-SHA256(seed, info = "votechain/v1/issuer-weight-key" ‖ u64 len(chain) ‖ chain ‖ u64 len(election)
/// ‖ election ‖ u64 weight, all big-endian, 48 bytes) seeds an SP 800-90A HMAC-DRBG (SHA-512, 256-bit strength;
/// 32 bytes entropy input, 16 bytes nonce) that is the only randomness BouncyCastle's RsaKeyPairGenerator sees.
/// One key per weight keeps weights apart: a signature for weight 1 is no signature for weight 5.
/// Caveat: the key depends on how RsaKeyPairGenerator consumes random bytes; a BouncyCastle upgrade that changed it
/// would derive other keys from the same seed. A known-answer test pins the current behaviour so such an upgrade
/// fails loudly instead of silently changing the keys of running elections.
/// </summary>
public sealed class IssuerWeightKey
{
    public const int SeedSize = 32;

    private const string DomainTag = "votechain/v1/issuer-weight-key";
    private const int Certainty = 128;

    private readonly byte[] _publicKeyDer;

    private IssuerWeightKey(RsaPrivateCrtKeyParameters privateKey, byte[] publicKeyDer)
    {
        PrivateKey = privateKey;
        _publicKeyDer = publicKeyDer;
    }

    public RsaPrivateCrtKeyParameters PrivateKey { get; }

    /// <summary>The SubjectPublicKeyInfo DER that elections name and <see cref="IssuerKeyCheck"/> accepts.</summary>
    public byte[] PublicKeyDer => (byte[])_publicKeyDer.Clone();

    /// <summary>
    /// This key's RSA-PSS signature (SHA-384, 48-byte salt, as the chain checks it) over <paramref name="message"/>: the
    /// proof of possession a poll book entry carries when it first pins the key. The salt is the message's SHA-384, so
    /// the proof (and the entry carrying it) is the same bytes every time: a retried or restarted issuer posts the
    /// same transaction, whose id it can then look up and verify. (PSS stays secure with a deterministic salt; the
    /// salt's randomness only tightens the proof.)
    /// </summary>
    public byte[] Prove(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var signer = new Org.BouncyCastle.Crypto.Signers.PssSigner(new Org.BouncyCastle.Crypto.Engines.RsaBlindedEngine(),
            new Sha384Digest(), SHA384.HashData(message));
        signer.Init(true, new ParametersWithRandom(PrivateKey, new SecureRandom()));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public static IssuerWeightKey Derive(ReadOnlySpan<byte> issuerSeed, string chainId, string electionId, ulong weight)
    {
        var drbgSeed = DrbgSeed(issuerSeed, chainId, electionId, weight);
        try
        {
            var drbg = new HMacSP800Drbg(new HMac(new Sha512Digest()), 256, new OneShotEntropy(drbgSeed.AsSpan(0, 32)),
                Encoding.ASCII.GetBytes(DomainTag), drbgSeed.AsSpan(32).ToArray());
            var generator = new RsaKeyPairGenerator();
            generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(IssuerKeyCheck.PublicExponent),
                new SecureRandom(new DrbgRandomGenerator(drbg)), IssuerKeyCheck.KeyBits, Certainty));
            var pair = generator.GenerateKeyPair();
            var der = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded();
            return new IssuerWeightKey((RsaPrivateCrtKeyParameters)pair.Private, der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(drbgSeed);
        }
    }

    /// <summary>The DRBG's 48-byte seed (entropy input ‖ nonce): HKDF-SHA256 of the issuer seed, bound to the inputs.</summary>
    internal static byte[] DrbgSeed(ReadOnlySpan<byte> issuerSeed, string chainId, string electionId, ulong weight)
    {
        if (issuerSeed.Length != SeedSize)
        {
            throw new ArgumentException($"An issuer seed is {SeedSize} bytes.", nameof(issuerSeed));
        }

        ArgumentNullException.ThrowIfNull(chainId);
        ArgumentNullException.ThrowIfNull(electionId);
        var drbgSeed = new byte[48];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, issuerSeed, drbgSeed, [], Info(chainId, electionId, weight));
        return drbgSeed;
    }

    private static byte[] Info(string chainId, string electionId, ulong weight)
    {
        var chain = Encoding.UTF8.GetBytes(chainId);
        var election = Encoding.UTF8.GetBytes(electionId);
        var tag = Encoding.ASCII.GetBytes(DomainTag);
        var info = new byte[tag.Length + 8 + chain.Length + 8 + election.Length + 8];
        var at = 0;
        tag.CopyTo(info, at);
        at += tag.Length;
        BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(at), (ulong)chain.Length);
        chain.CopyTo(info, at += 8);
        at += chain.Length;
        BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(at), (ulong)election.Length);
        election.CopyTo(info, at += 8);
        at += election.Length;
        BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(at), weight);
        return info;
    }
}
