using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Peers;

namespace VoteChain.Node.Hosting;

/// <summary>
/// The keys a node holds (its key file and, while it rotates, the next one) and the one it goes by in gossip
/// handshakes: the key the latest approved validator set holds, else its key file's. Handshakes read it on other threads
/// while the consensus thread may switch it, so it is one reference, replaced whole.
/// </summary>
internal sealed class NodeIdentity : ISwitchingSigner, IDisposable
{
    private volatile Ed25519KeyPair _current;

    public NodeIdentity(Ed25519KeyPair key, Ed25519KeyPair? next)
    {
        Keys = next is null ? [key] : [key, next];
        _current = key;
    }

    /// <summary>Every key held, the key file's first: the engine signs each height with the one in force there.</summary>
    public IReadOnlyList<Ed25519KeyPair> Keys { get; }

    public ISigner Current => _current;

    public byte[] PublicKey => _current.PublicKey;

    public byte[] Sign(ReadOnlySpan<byte> message) => _current.Sign(message);

    /// <summary>Goes by the key <paramref name="latest"/> holds; true when that changed the key (handshakes must be redone).</summary>
    public bool GoBy(ValidatorSet latest)
    {
        var member = Keys.FirstOrDefault(k => latest.IndexOf(k.PublicKey) is not null);
        if (member is null || ReferenceEquals(member, _current))
        {
            return false;
        }

        _current = member;
        return true;
    }

    public void Dispose()
    {
        foreach (var key in Keys)
        {
            key.Dispose();
        }
    }
}
