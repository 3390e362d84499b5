using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Mempool;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Where transactions gossiped by peers enter the mempool. A transaction is marked seen only once the mempool has
/// settled it (accepted, or refused for good), so one refused for a passing reason (pool full, registration not yet
/// in) is taken again when a peer offers it later; a settled one costs a hash per repeat.
/// </summary>
public sealed class GossipIntake
{
    private readonly MempoolPool _mempool;
    private readonly SeenCache _seen;

    public GossipIntake(MempoolPool mempool, SeenCache? seen = null)
    {
        _mempool = mempool;
        _seen = seen ?? new SeenCache();
    }

    /// <summary>The mempool's answer, or null when the transaction was settled before and was not offered again.</summary>
    public SubmitOutcome? Offer(byte[] envelope)
    {
        var id = Hashing.Sha256(envelope);
        if (_seen.Contains(id))
        {
            return null;
        }

        var outcome = _mempool.Submit(envelope);
        if (outcome.IsSettled)
        {
            _seen.Add(id);
        }

        return outcome;
    }

    /// <summary>Marks a transaction the mempool took from elsewhere (a client) as seen, so gossip echoes are skipped.</summary>
    public void MarkSeen(byte[] envelope) => _seen.Add(Hashing.Sha256(envelope));
}
