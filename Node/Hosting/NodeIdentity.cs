using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;

namespace VoteChain.Node.Hosting;

/// <summary>
/// The keys a node holds (its key file and, while it rotates, the next one) and the one it goes by in gossip
/// handshakes: the key the latest approved validator set holds, else its key file's. Handshakes read it on other threads
/// while the consensus thread may switch it, so it is one reference, replaced whole.
/// </summary>
internal sealed class NodeIdentity : ISigner, IDisposable
{
    private volatile Ed25519KeyPair _current;

    public NodeIdentity(Ed25519KeyPair key, Ed25519KeyPair? next)
    {
        Keys = next is null ? [key] : [key, next];
        _current = key;
    }

    /// <summary>Every key held, the key file's first: the engine signs each height with the one in force there.</summary>
    public IReadOnlyList<Ed25519KeyPair> Keys { get; }

    public byte[] PublicKey => _current.PublicKey;

    public byte[] Sign(ReadOnlySpan<byte> message) => _current.Sign(message);

    /// <summary>The first held key <paramref name="set"/> holds, with its index there; null when it holds none.</summary>
    public (Ed25519KeyPair Key, int Index)? MemberOf(ValidatorSet set)
    {
        foreach (var key in Keys)
        {
            if (set.IndexOf(key.PublicKey) is { } index)
            {
                return (key, index);
            }
        }

        return null;
    }

    /// <summary>Goes by the key <paramref name="latest"/> holds; true when that changed the key (handshakes must be redone).</summary>
    public bool GoBy(ValidatorSet latest)
    {
        if (MemberOf(latest) is not { } member || ReferenceEquals(member.Key, _current))
        {
            return false;
        }

        _current = member.Key;
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
