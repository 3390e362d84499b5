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

    public void OnTransactions(IReadOnlyList<byte[]> envelopes, PeerIdentity from)
    {
        var outcomes = _intake.OfferMany(envelopes);
        var relayed = false;
        for (var i = 0; i < envelopes.Count; i++)
        {
            if (outcomes[i] is { Accepted: true, IsNew: true })
            {
                // Offered means marked seen already. What a validator gossiped, it gossiped to every validator.
                _peers.BroadcastTransaction(envelopes[i], from.PublicKey, toValidators: !from.IsValidator);
                relayed = true;
            }
        }

        if (relayed)
        {
            _driver.Post(new WorkPending(true));
        }
    }

    public void OnConsensus(ConsensusMessage message, PeerIdentity from) =>
        _driver.PostConsensus(message, Convert.ToHexStringLower(from.PublicKey));

    /// <summary>A client's transaction (by id) the mempool took, before it is gossiped: its wait for a block starts here.</summary>
    public event Action<byte[]>? ClientAccepted;

    /// <summary>A transaction the mempool took from a client: seen from now on, and gossiped to every peer.</summary>
    public void Accepted(byte[] envelope, byte[] txId)
    {
        ClientAccepted?.Invoke(txId);
        _intake.MarkSeen(txId);
        Relay(envelope, fromKey: null);
    }

    /// <summary>Gossips an accepted transaction on, to every peer but the one that proved <paramref name="fromKey"/>.</summary>
    private void Relay(byte[] envelope, byte[]? fromKey)
    {
        _peers.BroadcastTransaction(envelope, fromKey);
        _driver.Post(new WorkPending(true));
    }
}
