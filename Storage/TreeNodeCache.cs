using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Storage;

/// <summary>
/// The state tree's top levels in memory: one slot per node position down to <see cref="Depth"/> nibbles, each holding the
/// newest node seen at that position (its version and its encoded bytes). Nearly every block reads and rewrites these
/// nodes, and at a million votes the level just below the last block's own writes is most of the RocksDB reads.
/// <para>
/// Safe to serve because a node key names its bytes forever: the key holds the version that wrote it, and a node is never
/// rewritten, so a slot answers only a read of exactly its version at its position. A slot is only ever replaced by a
/// newer version, so a racing reader cannot put an old node back over a newer one, and each block's write drops the
/// nodes it made stale (<see cref="Forget"/>): what a slot holds is, but for a read racing that write, a node of the
/// head's tree, which pruning never deletes. Nodes of older kept versions are read from RocksDB, where pruning does
/// delete them; a walk from a pruned root stops at the root (<see cref="ChainStore.Prove"/> checks it first).
/// </para>
/// <para>
/// Memory: at most <see cref="Positions"/> = 69,905 slots, each at most one node of <see cref="TreeNodeCodec.MaxSize"/>
/// (645) bytes plus about 60 bytes of array and entry headers: under 50 MB, whatever the tree's size. A tree of 300,000
/// records fills about 20 MB of it, one of 3,000,000 nearly all of it (its level-4 nodes are full).
/// </para>
/// </summary>
internal sealed class TreeNodeCache
{
    /// <summary>The deepest cached level, in nibbles: the root's level is 0.</summary>
    public const int Depth = 4;

    /// <summary>Node positions at depths 0 to <see cref="Depth"/>: 1 + 16 + 256 + 4,096 + 65,536.</summary>
    public const int Positions = ((1 << (4 * (Depth + 1))) - 1) / 15;

    private readonly Entry?[] _slots = new Entry?[Positions];

    private sealed record Entry(ulong Version, byte[] Bytes);

    /// <summary>The bytes stored under <paramref name="nodeKey"/>, when its slot holds that very version; else null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> nodeKey)
    {
        if (Slot(nodeKey) is not { } slot)
        {
            return null;
        }

        var entry = Volatile.Read(ref _slots[slot]);
        return entry is not null && entry.Version == TreeNodeKey.Version(nodeKey) ? entry.Bytes : null;
    }

    /// <summary>Keeps a node read or written under <paramref name="nodeKey"/>, unless its slot already holds this version or a newer one.</summary>
    public void Offer(ReadOnlySpan<byte> nodeKey, byte[] bytes)
    {
        if (Slot(nodeKey) is not { } slot)
        {
            return;
        }

        var version = TreeNodeKey.Version(nodeKey);
        var held = Volatile.Read(ref _slots[slot]);
        while (held is null || held.Version < version)
        {
            var seen = Interlocked.CompareExchange(ref _slots[slot], new Entry(version, bytes), held);
            if (ReferenceEquals(seen, held))
            {
                return;
            }

            held = seen;
        }
    }

    /// <summary>
    /// Drops the node under <paramref name="nodeKey"/> if its slot holds that version: a block made it stale, so only
    /// older versions reach it, and those read it from RocksDB until it is pruned.
    /// </summary>
    public void Forget(ReadOnlySpan<byte> nodeKey)
    {
        if (Slot(nodeKey) is not { } slot)
        {
            return;
        }

        var held = Volatile.Read(ref _slots[slot]);
        if (held is not null && held.Version == TreeNodeKey.Version(nodeKey))
        {
            Interlocked.CompareExchange(ref _slots[slot], null, held);
        }
    }

    /// <summary>The slot of a node key's position, or null below the cached levels (or for a malformed key).</summary>
    private static int? Slot(ReadOnlySpan<byte> nodeKey)
    {
        if (nodeKey.Length < 9 || nodeKey[8] > Depth || nodeKey.Length != 9 + ((nodeKey[8] + 1) / 2))
        {
            return null;
        }

        int nibbles = nodeKey[8];
        var position = 0;
        for (var i = 0; i < nibbles; i++)
        {
            position = (position << 4) | TreePath.Nibble(nodeKey[9..], i);
        }

        // Positions of depth d follow all those above it: (16^d - 1) / 15 of them.
        return (((1 << (4 * nibbles)) - 1) / 15) + position;
    }
}
