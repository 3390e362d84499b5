using VoteChain.Networking.Caching;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Ids of gossiped transactions the mempool refused for a passing reason, each with when, all as of one commit count.
/// Until the next commit or the back-off, the same answer would come again, so gossip does not ask: a peer repeating
/// one such transaction costs a hash. A new commit forgets them all (the answer may have changed). Bounded: past
/// <c>capacity</c> the oldest is forgotten, which only means one more trip through the mempool's cheap path.
/// </summary>
public sealed class DeferredRefusals
{
    /// <summary>An id, its time and dictionary and queue slots: about 100 bytes each, some 3 MiB when full.</summary>
    public const int DefaultCapacity = 32_768;

    private readonly FifoMap<DateTimeOffset> _since;
    private readonly TimeSpan _backOff;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private long _commits;

    public DeferredRefusals(TimeSpan backOff, TimeProvider clock, int capacity = DefaultCapacity)
    {
        _since = new FifoMap<DateTimeOffset>(capacity);
        _backOff = backOff;
        _clock = clock;
    }

    /// <summary>True while <paramref name="id"/> was refused at this commit count and within the back-off.</summary>
    public bool Holds(byte[] id, long commits)
    {
        lock (_gate)
        {
            MoveTo(commits);
            return commits == _commits && _since.TryGetValue(id, out var since) && _clock.GetUtcNow() - since < _backOff;
        }
    }

    /// <summary>Remembers a passing refusal decided at <paramref name="commits"/> (read before the mempool was asked).</summary>
    public void Add(byte[] id, long commits)
    {
        lock (_gate)
        {
            MoveTo(commits);
            if (commits != _commits)
            {
                return; // a commit came while the mempool decided: the answer may be out of date already
            }

            if (!_since.TryAdd(id, _clock.GetUtcNow()))
            {
                _since.Update(id, _clock.GetUtcNow());
            }
        }
    }

    private void MoveTo(long commits)
    {
        if (commits > _commits)
        {
            _commits = commits;
            _since.Clear();
        }
    }
}
