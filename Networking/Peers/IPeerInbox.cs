using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>Where gossip from peers goes: the node's mempool and consensus driver.</summary>
public interface IPeerInbox
{
    /// <summary>Gossiped transactions, one or a batch (already filtered by the sender's gossip rate).</summary>
    void OnTransactions(IReadOnlyList<byte[]> envelopes, PeerIdentity from);

    void OnConsensus(ConsensusMessage message, PeerIdentity from);
}
