using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Driver;

/// <summary>
/// Where transactions from clients and peers enter: a gossiped id is handled until the mempool settles it (see
/// <see cref="GossipIntake"/>), accepted ones are gossiped on to every other peer, and the engine learns that work
/// is pending. Consensus messages go to the engine (observers have none).
/// </summary>
internal sealed class NodeInbox : IPeerInbox
{
    private readonly PeerNetwork _peers;
    private readonly ConsensusDriver _driver;
    private readonly GossipIntake _intake;

    public NodeInbox(Mempool mempool, PeerNetwork peers, ConsensusDriver driver)
    {
        _intake = new GossipIntake(mempool);
        _peers = peers;
        _driver = driver;
    }

    public void OnTransaction(byte[] envelope, PeerIdentity from)
    {
        var outcome = _intake.Offer(envelope);
        if (outcome is { Accepted: true, IsNew: true })
        {
            Accepted(envelope, from.PublicKey);
        }
    }

    public void OnConsensus(ConsensusMessage message, PeerIdentity from) =>
        _driver.PostConsensus(message, Convert.ToHexStringLower(from.PublicKey));

    /// <summary>A transaction the mempool took (from a client, or from the peer that proved <paramref name="fromKey"/>).</summary>
    public void Accepted(byte[] envelope, byte[]? fromKey = null)
    {
        _intake.MarkSeen(envelope);
        _peers.BroadcastTransaction(envelope, fromKey);
        _driver.Post(new WorkPending(true));
    }
}
