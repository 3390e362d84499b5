using System.Diagnostics.CodeAnalysis;
using VoteChain.Consensus.State;

namespace VoteChain.Networking.Caching;

/// <summary>
/// A map from byte-string keys (hashes, ids) that forgets its oldest entries first once it holds more than a count or
/// a byte budget: the one shape of every bounded memory of recent transactions in the node (ids seen by gossip,
/// envelopes refused for their bytes, envelopes verified but refused by the rules, refusals not to retake yet), so a
/// flood of distinct keys costs time but never memory. Not thread-safe: each owner locks around its own use.
/// </summary>
public sealed class FifoMap<TValue>
{
    private readonly Dictionary<byte[], TValue> _entries = new(ByteKeyComparer.Instance);
    private readonly Queue<(byte[] Key, long Size)> _order = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _bytes;

    /// <param name="capacity">Most entries kept.</param>
    /// <param name="maxBytes">Most bytes kept, counting the size each entry was added with.</param>
    public FifoMap(int capacity, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _capacity = capacity;
        _maxBytes = maxBytes;
    }

    public int Count => _entries.Count;

    public bool TryGetValue(byte[] key, [MaybeNullWhen(false)] out TValue value) => _entries.TryGetValue(key, out value);

    /// <summary>
    /// Adds the key as the newest entry and forgets the oldest ones past either bound. False when the key is already
    /// held (its value and place stay) or when <paramref name="size"/> alone exceeds the byte budget (nothing kept).
    /// </summary>
    public bool TryAdd(byte[] key, TValue value, long size = 0)
    {
        if (size > _maxBytes || !_entries.TryAdd(key, value))
        {
            return false;
        }

        _order.Enqueue((key, size));
        _bytes += size;
        while (_order.Count > _capacity || _bytes > _maxBytes)
        {
            var (oldest, oldestSize) = _order.Dequeue();
            _entries.Remove(oldest);
            _bytes -= oldestSize;
        }

        return true;
    }

    /// <summary>Gives a held key a new value; its place in the order stays.</summary>
    public void Update(byte[] key, TValue value)
    {
        if (_entries.ContainsKey(key))
        {
            _entries[key] = value;
        }
    }

    public void Clear()
    {
        _entries.Clear();
        _order.Clear();
        _bytes = 0;
    }
}
