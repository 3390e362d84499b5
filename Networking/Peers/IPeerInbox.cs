using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>Where gossip from peers goes: the node's mempool and consensus driver.</summary>
public interface IPeerInbox
{
    void OnTransaction(byte[] envelope, PeerIdentity from);

    void OnConsensus(ConsensusMessage message, PeerIdentity from);
}
