using VoteChain.Networking.Caching;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Transaction ids this node has already handled, so gossip is forwarded once. Bounded: the oldest ids are
/// forgotten first (by then they are committed or long gone, and the mempool catches duplicates anyway).
/// </summary>
public sealed class SeenCache
{
    private readonly FifoMap<bool> _seen;
    private readonly object _gate = new();

    public SeenCache(int capacity = 500_000) => _seen = new FifoMap<bool>(capacity);

    public bool Contains(byte[] id)
    {
        lock (_gate)
        {
            return _seen.TryGetValue(id, out _);
        }
    }

    /// <summary>True when the id is new (and now remembered).</summary>
    public bool Add(byte[] id)
    {
        lock (_gate)
        {
            return _seen.TryAdd(id, true);
        }
    }
}
