using VoteChain.Consensus.State;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Transaction ids this node has already handled, so gossip is forwarded once. Bounded: the oldest ids are
/// forgotten first (by then they are committed or long gone, and the mempool catches duplicates anyway).
/// </summary>
public sealed class SeenCache
{
    private readonly int _capacity;
    private readonly HashSet<byte[]> _seen = new(ByteKeyComparer.Instance);
    private readonly Queue<byte[]> _order = new();
    private readonly object _gate = new();

    public SeenCache(int capacity = 500_000) => _capacity = capacity;

    public bool Contains(byte[] id)
    {
        lock (_gate)
        {
            return _seen.Contains(id);
        }
    }

    /// <summary>True when the id is new (and now remembered).</summary>
    public bool Add(byte[] id)
    {
        lock (_gate)
        {
            if (!_seen.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > _capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
