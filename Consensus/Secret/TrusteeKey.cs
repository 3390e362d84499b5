using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// A trustee's key: an Ed25519 key of its own (config/trustee.key, never the node key) that signs the trustee's
/// transactions, receives sealed key shares and seeds its dealing. TODO(issue 10): sealing and dealing being built.
/// </summary>
public sealed class TrusteeKey : IDisposable
{
    private TrusteeKey(Ed25519KeyPair signing) => Signing = signing;

    public Ed25519KeyPair Signing { get; }

    public byte[] PublicKey => Signing.PublicKey;

    public static TrusteeKey FromSeed(ReadOnlySpan<byte> seed) => new(Ed25519KeyPair.FromSeed(seed));

    public void Dispose() => Signing.Dispose();
}
