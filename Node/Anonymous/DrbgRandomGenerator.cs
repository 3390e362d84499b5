using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Crypto.Prng.Drbg;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// A seeded SP 800-90A DRBG as BouncyCastle's <see cref="IRandomGenerator"/>, so a <c>SecureRandom</c> built on it
/// is deterministic (<see cref="IssuerWeightKey"/>). It refuses extra seed material and reseeding: either would
/// make the output depend on something besides the derivation's inputs, and the derived key would silently change.
/// </summary>
internal sealed class DrbgRandomGenerator(ISP80090Drbg drbg) : IRandomGenerator
{
    public void AddSeedMaterial(byte[] seed) => throw Refused();

    public void AddSeedMaterial(ReadOnlySpan<byte> seed) => throw Refused();

    public void AddSeedMaterial(long seed) => throw Refused();

    public void NextBytes(byte[] bytes) => NextBytes(bytes, 0, bytes.Length);

    public void NextBytes(byte[] bytes, int start, int len)
    {
        if (drbg.Generate(bytes, start, len, null, false) < 0)
        {
            throw new InvalidOperationException("The deterministic DRBG asked to be reseeded.");
        }
    }

    public void NextBytes(Span<byte> bytes)
    {
        var buffer = new byte[bytes.Length];
        NextBytes(buffer);
        buffer.CopyTo(bytes);
    }

    private static InvalidOperationException Refused() =>
        new("A deterministic key derivation takes no outside seed material.");
}

/// <summary>The DRBG's entropy input, given once: a second request would mean a reseed, which must not happen.</summary>
internal sealed class OneShotEntropy(ReadOnlySpan<byte> entropy) : IEntropySource
{
    private byte[]? _entropy = entropy.ToArray();

    public bool IsPredictionResistant => false;

    public int EntropySize => 256;

    public byte[] GetEntropy()
    {
        var entropy = _entropy ?? throw new InvalidOperationException("The deterministic DRBG asked for entropy twice.");
        _entropy = null;
        return entropy;
    }

    public int GetEntropy(Span<byte> output)
    {
        var entropy = GetEntropy();
        entropy.CopyTo(output);
        return entropy.Length;
    }
}
