using VoteChain.Consensus.Crypto;

namespace VoteChain.Networking.Peers;

/// <summary>This node as it introduces itself in gossip handshakes: its key, chain, name and the endpoint it listens on.</summary>
public sealed record LocalPeer(ISigner Key, string ChainId, byte[] GenesisHash, string Name, string Endpoint)
{
    /// <summary>
    /// This peer with the key it goes by now, fixed for one handshake: a node whose key rotates may switch keys while a
    /// handshake runs, and a Hello or Welcome must name and be signed by one key.
    /// </summary>
    public LocalPeer ForOneHandshake() => Key is ISwitchingSigner switching ? this with { Key = switching.Current } : this;
}

/// <summary>A signer that goes by one of several keys and may switch between them (a validator rotating its key).</summary>
public interface ISwitchingSigner : ISigner
{
    /// <summary>The key it goes by now.</summary>
    ISigner Current { get; }
}
