namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// The tree's nodes in memory, for tests, benchmarks and <see cref="MemoryState"/>: commits a <see cref="TreeUpdate"/>
/// as Storage will in a block's write batch (new nodes, and each stale key indexed by the version that made it stale),
/// and prunes the way Storage will, so both keep the same versions readable.
/// </summary>
public sealed class MemoryTreeNodeStore : ITreeNodeReader
{
    private readonly Dictionary<byte[], byte[]> _nodes = new(ByteKeyComparer.Instance);
    private readonly Queue<(ulong StaleSince, byte[][] Keys)> _stale = new();

    /// <summary>How many nodes are stored, stale ones included.</summary>
    public int Count => _nodes.Count;

    /// <summary>The newest version committed, or null before the first.</summary>
    public ulong? Version { get; private set; }

    public byte[]? Get(ReadOnlySpan<byte> nodeKey) =>
        _nodes.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(nodeKey, out var bytes) ? bytes : null;

    /// <summary>Stores an update computed from the newest version (or from nothing, for the first).</summary>
    public void Commit(TreeUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (Version is { } newest && update.Version <= newest)
        {
            throw new InvalidOperationException($"Version {update.Version} cannot follow version {newest}.");
        }

        foreach (var (key, bytes) in update.NewNodes)
        {
            _nodes[key] = bytes;
        }

        _stale.Enqueue((update.Version, [.. update.StaleNodes]));
        Version = update.Version;
    }

    /// <summary>
    /// Deletes every node that no version from <paramref name="oldestKept"/> on can reach: those made stale by a version
    /// at or before it (a node made stale by version v is still part of every version before v). Gives back how many.
    /// </summary>
    public int Prune(ulong oldestKept)
    {
        var removed = 0;
        while (_stale.TryPeek(out var entry) && entry.StaleSince <= oldestKept)
        {
            _stale.Dequeue();
            foreach (var key in entry.Keys)
            {
                removed += _nodes.Remove(key) ? 1 : 0;
            }
        }

        return removed;
    }
}
