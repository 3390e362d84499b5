using NSec.Cryptography;

namespace VoteChain.Consensus.Crypto;

/// <summary>An Ed25519 key pair held in memory; the private part leaves only as its 32-byte seed.</summary>
public sealed class Ed25519KeyPair : ISigner, IDisposable
{
    public const int SeedSize = 32;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    private Ed25519KeyPair(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public byte[] PublicKey { get; }

    public static Ed25519KeyPair Generate() =>
        new(Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Rebuilds a key pair from its seed; deterministic, so tests can derive keys from numbers.</summary>
    public static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An Ed25519 seed is {SeedSize} bytes, got {seed.Length}.", nameof(seed));
        }

        return new(Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    public byte[] Sign(ReadOnlySpan<byte> message) => Algorithm.Sign(_key, message);

    public void Dispose() => _key.Dispose();
}
