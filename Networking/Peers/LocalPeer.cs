using VoteChain.Consensus.Crypto;

namespace VoteChain.Networking.Peers;

/// <summary>This node as it introduces itself in gossip handshakes: its key, chain, name and the endpoint it listens on.</summary>
public sealed record LocalPeer(ISigner Key, string ChainId, byte[] GenesisHash, string Name, string Endpoint);
