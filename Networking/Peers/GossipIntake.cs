using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Mempool;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Where transactions gossiped by peers enter the mempool. A transaction is marked seen only once the mempool has
/// settled it (accepted, or refused for good), so one refused for a passing reason (pool full, registration not yet
/// in) is taken again when a peer offers it later: after the next commit, or after <see cref="RetakeAfter"/>
/// (an election opens by block time, which moves without a commit of ours only on another clock). Before that the
/// answer would be the same, so a repeat costs a hash, like a settled one.
/// </summary>
public sealed class GossipIntake
{
    /// <summary>How long a passing refusal holds when nothing commits (an idle chain, a pool full until a commit).</summary>
    public static readonly TimeSpan RetakeAfter = TimeSpan.FromSeconds(5);

    private readonly MempoolPool _mempool;
    private readonly SeenCache _seen;
    private readonly DeferredRefusals _deferred;

    public GossipIntake(MempoolPool mempool, SeenCache? seen = null, TimeProvider? clock = null)
    {
        _mempool = mempool;
        _seen = seen ?? new SeenCache();
        _deferred = new DeferredRefusals(RetakeAfter, clock ?? TimeProvider.System);
    }

    /// <summary>
    /// The mempool's answer, or null when the transaction was settled before, or refused for a passing reason with
    /// nothing committed since (and within the back-off), and was not offered again.
    /// </summary>
    public SubmitOutcome? Offer(byte[] envelope) => OfferMany([envelope])[0];

    /// <summary>
    /// <see cref="Offer"/> for a gossiped batch: the envelopes not settled or held are submitted together, so the
    /// mempool verifies their signatures in parallel. Answers in the envelopes' order.
    /// </summary>
    public IReadOnlyList<SubmitOutcome?> OfferMany(IReadOnlyList<byte[]> envelopes)
    {
        var commits = _mempool.Commits;
        var answers = new SubmitOutcome?[envelopes.Count];
        var ids = new byte[envelopes.Count][];
        var offered = new List<int>(envelopes.Count);
        for (var i = 0; i < envelopes.Count; i++)
        {
            ids[i] = Hashing.Sha256(envelopes[i]);
            if (!_seen.Contains(ids[i]) && !_deferred.Holds(ids[i], commits))
            {
                offered.Add(i);
            }
        }

        if (offered.Count == 0)
        {
            return answers;
        }

        var outcomes = _mempool.SubmitMany(offered.Select(i => envelopes[i]).ToList());
        for (var k = 0; k < offered.Count; k++)
        {
            var i = offered[k];
            answers[i] = outcomes[k];
            if (outcomes[k].IsSettled)
            {
                _seen.Add(ids[i]);
            }
            else
            {
                _deferred.Add(ids[i], commits);
            }
        }

        return answers;
    }

    /// <summary>Marks a transaction the mempool took from elsewhere (a client) as seen, so gossip echoes are skipped.</summary>
    public void MarkSeen(byte[] txId) => _seen.Add(txId);
}
