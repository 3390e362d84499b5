using System.Runtime.InteropServices;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// One block's pass over the tree (<see cref="StateTree.Apply(ITreeNodeReader, ulong?, ulong, IReadOnlyList{TreeChange})"/>):
/// walks down from the old root along the changed paths only, in one recursion over the path-sorted changes, and
/// builds each replaced node once. Nothing is written: new nodes and stale keys collect here.
/// <para>
/// The invariants that make the stored tree the compact binary tree of its records: an internal node has at least two
/// records below it; a leaf sits in the highest slot where it is alone, so a subtree losing all but one record gives
/// that record back to its parent (<see cref="Compose"/>), and a leaf that gains a neighbour moves down (<see cref="Build"/>).
/// A leaf's place is settled only by the first ancestor that stays internal (<see cref="Place"/>), because a leaf can rise
/// through several levels in one block.
/// </para>
/// </summary>
internal sealed partial class TreeUpdater
{
    private readonly ITreeNodeReader _reader;
    private readonly ulong _version;
    /// <summary>
    /// Below this many changes a block's walk stays on one thread; above it, the root's sixteen subtrees are walked at
    /// once (they share no node), which roughly halves a large block's cost on two cores.
    /// </summary>
    private const int ParallelWrites = 512;

    // Plain lists: the root's subtrees are walked in parallel by forks (Fork) that collect on their own and are
    // gathered when the walk returns, so no lock is taken per node. Run checks that no key was written twice.
    private readonly List<KeyValuePair<byte[], byte[]>> _written = [];
    private readonly List<byte[]> _stale = [];
    private Write[] _writes = [];

    public TreeUpdater(ITreeNodeReader reader, ulong version)
    {
        _reader = reader;
        _version = version;
    }

    /// <summary>A record (path and value hash; the hash null to remove it) to write, sorted by path, one per path.</summary>
    internal readonly record struct Write(byte[] Path, byte[]? ValueHash);

    /// <summary>A record whose place is not settled yet, with the key it is stored under when it already was.</summary>
    private sealed record PendingLeaf(LeafNode Node, byte[]? StoredAt);

    /// <summary>What a subtree became: nothing, one record (not placed yet), or an internal node already written or kept.</summary>
    private readonly record struct Subtree(PendingLeaf? Leaf, TreeChild? Internal);

    public TreeUpdate Run(ulong? baseVersion, Write[] writes)
    {
        _writes = writes;
        var rootKey = TreeNodeKey.Root(_version);
        byte[]? oldRootKey = null;
        TreeNode oldRoot = EmptyNode.Instance;
        if (baseVersion is { } from)
        {
            oldRootKey = TreeNodeKey.Root(from);
            oldRoot = Read(oldRootKey) ?? throw new InvalidDataException(
                $"The state tree has no root for version {from}: it was never written, or it was pruned.");
        }

        var result = oldRoot switch
        {
            LeafNode leaf => UpdateLeaf(leaf, oldRootKey!, 0, writes),
            InternalNode node => UpdateInternal(node, oldRootKey!, null, 0, writes),
            _ => Build(0, NewLeaves(writes)),
        };

        byte[] rootHash;
        if (result.Internal is { } inner)
        {
            if (inner.Version != _version)
            {
                // Nothing changed: the new version still gets a root of its own, a copy of the old one.
                Put(rootKey, oldRoot);
                Stale(oldRootKey);
            }

            rootHash = inner.Hash;
        }
        else if (result.Leaf is { } single)
        {
            Put(rootKey, single.Node);
            Stale(single.StoredAt);
            rootHash = single.Node.Hash;
        }
        else
        {
            Put(rootKey, EmptyNode.Instance);
            rootHash = TreeHashes.EmptyHash;
        }

        // An empty old root is replaced whatever happens; a leaf or internal one was marked stale on the way if it was.
        if (oldRoot is EmptyNode)
        {
            Stale(oldRootKey);
        }

        _written.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        for (var i = 1; i < _written.Count; i++)
        {
            // Each position is written at most once per version; a second write would be a bug in the walk.
            if (_written[i].Key.AsSpan().SequenceEqual(_written[i - 1].Key))
            {
                throw new InvalidOperationException($"The state tree wrote node {Convert.ToHexString(_written[i].Key)} twice in one version.");
            }
        }

        // A node may be found stale on two paths (an old root, say): listed once.
        _stale.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        var stale = new List<byte[]>(_stale.Count);
        foreach (var key in _stale)
        {
            if (stale.Count == 0 || !key.AsSpan().SequenceEqual(stale[^1]))
            {
                stale.Add(key);
            }
        }

        return new TreeUpdate(_version, rootHash, _written, stale);
    }

    private Subtree UpdateInternal(InternalNode node, byte[] nodeKey, byte[]? knownHash, int depth, ReadOnlySpan<Write> writes)
    {
        if (writes.IsEmpty)
        {
            // Only at the root, for a block that changed nothing: below it, the walk only enters slots with changes.
            return new Subtree(null, new TreeChild(TreeNodeKey.Version(nodeKey), knownHash ?? node.Hash, false));
        }

        var resultSlots = default(SlotResults);
        Span<Subtree?> results = resultSlots;
        var groupSlots = default(SlotGroups);
        Span<SlotGroup> groups = groupSlots;
        groups = groups[..Groups(writes, depth, static w => w.Path, groups)];
        if (depth == 0 && writes.Length >= ParallelWrites)
        {
            // At the root the span is the whole batch, so each group is a range of _writes a worker can take.
            UpdateSlotsInParallel(node, groups, results);
        }
        else
        {
            foreach (var g in groups)
            {
                results[g.Slot] = UpdateSlot(node, depth, writes[g.Start..g.End]);
            }
        }

        return Compose(depth, writes[0].Path, node, nodeKey, knownHash, results);
    }

    /// <summary>One slot of an internal node: the subtree its changes (all on that slot) make of what it held.</summary>
    private Subtree UpdateSlot(InternalNode node, int depth, ReadOnlySpan<Write> group)
    {
        var slot = TreePath.Nibble(group[0].Path, depth);
        if (node[slot] is not { } child)
        {
            return Build(depth + 1, NewLeaves(group));
        }

        var childKey = TreeNodeKey.Encode(child.Version, group[0].Path, depth + 1);
        return Read(childKey) switch
        {
            LeafNode leaf when child.IsLeaf => UpdateLeaf(leaf, childKey, depth + 1, group),
            InternalNode inner when !child.IsLeaf => UpdateInternal(inner, childKey, child.Hash, depth + 1, group),
            _ => throw new InvalidDataException($"The state tree's node {Convert.ToHexString(childKey)} is missing or not what its parent says."),
        };
    }

    /// <summary>Fills <paramref name="groups"/> with the runs of path-sorted items that share their nibble at <paramref name="depth"/>; gives their count.</summary>
    private static int Groups<T>(ReadOnlySpan<T> items, int depth, Func<T, byte[]> path, Span<SlotGroup> groups)
    {
        var count = 0;
        var start = 0;
        while (start < items.Length)
        {
            var slot = TreePath.Nibble(path(items[start]), depth);
            var end = start + 1;
            while (end < items.Length && TreePath.Nibble(path(items[end]), depth) == slot)
            {
                end++;
            }

            groups[count++] = new SlotGroup(slot, start, end);
            start = end;
        }

        return count;
    }

    private Subtree UpdateLeaf(LeafNode leaf, byte[] leafKey, int depth, ReadOnlySpan<Write> writes)
    {
        var entries = new List<PendingLeaf>(writes.Length + 1);
        var kept = true;
        foreach (var write in writes)
        {
            if (write.Path.AsSpan().SequenceEqual(leaf.Path))
            {
                // The same value written again keeps the stored leaf (and so, possibly, every node above it).
                kept = write.ValueHash is not null && write.ValueHash.AsSpan().SequenceEqual(leaf.ValueHash);
                if (kept || write.ValueHash is null)
                {
                    continue;
                }
            }

            if (write.ValueHash is not null)
            {
                entries.Add(new PendingLeaf(new LeafNode(write.Path, write.ValueHash), null));
            }
        }

        if (kept)
        {
            var at = entries.FindIndex(e => e.Node.Path.AsSpan().SequenceCompareTo(leaf.Path) > 0);
            entries.Insert(at < 0 ? entries.Count : at, new PendingLeaf(leaf, leafKey));
        }
        else
        {
            Stale(leafKey);
        }

        return Build(depth, entries);
    }

    /// <summary>The subtree at <paramref name="depth"/> holding exactly <paramref name="entries"/> (sorted by path).</summary>
    private Subtree Build(int depth, List<PendingLeaf> entries)
    {
        if (entries.Count <= 1)
        {
            return new Subtree(entries.Count == 1 ? entries[0] : null, null);
        }

        var resultSlots = default(SlotResults);
        Span<Subtree?> results = resultSlots;
        var groupSlots = default(SlotGroups);
        Span<SlotGroup> groups = groupSlots;
        groups = groups[..Groups<PendingLeaf>(CollectionsMarshal.AsSpan(entries), depth, static e => e.Node.Path, groups)];
        if (depth == 0 && entries.Count >= ParallelWrites)
        {
            // A tree built whole (a snapshot restored): its sixteen subtrees at once.
            BuildInParallel(entries, groups, results);
        }
        else
        {
            foreach (var g in groups)
            {
                results[g.Slot] = Build(depth + 1, entries.GetRange(g.Start, g.End - g.Start));
            }
        }

        return Compose(depth, entries[0].Node.Path, null, null, null, results);
    }

    /// <summary>
    /// The node at <paramref name="depth"/> on <paramref name="path"/> from its old slots (<paramref name="old"/>, null
    /// for a new subtree) and the slots that changed. Gives back a lone remaining leaf unplaced; keeps the old node when
    /// no slot changed; otherwise writes the new node and marks the old one stale.
    /// </summary>
    private Subtree Compose(int depth, byte[] path, InternalNode? old, byte[]? oldKey, byte[]? knownHash, ReadOnlySpan<Subtree?> results)
    {
        var children = old?.CopyChildren() ?? new TreeChild?[InternalNode.Slots];
        int count = 0, last = -1;
        for (var slot = 0; slot < InternalNode.Slots; slot++)
        {
            if (results[slot] is { } result && result.Internal is null && result.Leaf is null)
            {
                children[slot] = null;
            }

            if (children[slot] is not null || results[slot] is { Leaf: not null } or { Internal: not null })
            {
                count++;
                last = slot;
            }
        }

        if (count == 0)
        {
            Stale(oldKey);
            return new Subtree(null, null);
        }

        if (count == 1 && (results[last]?.Leaf is not null || (results[last] is null && children[last]!.Value.IsLeaf)))
        {
            Stale(oldKey);
            if (results[last]?.Leaf is { } pending)
            {
                return new Subtree(pending, null);
            }

            var key = TreeNodeKey.Encode(children[last]!.Value.Version, TreePath.WithNibble(path, depth, last), depth + 1);
            var untouched = Read(key) as LeafNode ?? throw new InvalidDataException($"The state tree's leaf {Convert.ToHexString(key)} is missing.");
            return new Subtree(new PendingLeaf(untouched, key), null);
        }

        var unchanged = old is not null;
        for (var slot = 0; slot < InternalNode.Slots; slot++)
        {
            if (results[slot] is not { } result)
            {
                continue;
            }

            children[slot] = result.Leaf is { } leaf ? Place(leaf, depth + 1) : result.Internal;
            unchanged = unchanged && SameChild(old![slot], children[slot]);
        }

        if (unchanged)
        {
            return new Subtree(null, new TreeChild(TreeNodeKey.Version(oldKey!), knownHash ?? old!.Hash, false));
        }

        var node = new InternalNode(children);
        Put(TreeNodeKey.Encode(_version, path, depth), node);
        Stale(oldKey);
        return new Subtree(null, new TreeChild(_version, node.Hash, false));
    }

    /// <summary>Settles a leaf in a slot <paramref name="nibbles"/> deep: kept where it is stored if that is the slot, else written anew.</summary>
    private TreeChild Place(PendingLeaf leaf, int nibbles)
    {
        if (leaf.StoredAt is { } at && at[8] == nibbles)
        {
            return new TreeChild(TreeNodeKey.Version(at), leaf.Node.Hash, true);
        }

        Put(TreeNodeKey.Encode(_version, leaf.Node.Path, nibbles), leaf.Node);
        Stale(leaf.StoredAt);
        return new TreeChild(_version, leaf.Node.Hash, true);
    }

    /// <summary>A version and a place name one node, so two children with the same version and kind in one slot are the same.</summary>
    private static bool SameChild(TreeChild? before, TreeChild? after) =>
        before is null ? after is null : after is { } now && now.Version == before.Value.Version && now.IsLeaf == before.Value.IsLeaf;

    private static List<PendingLeaf> NewLeaves(ReadOnlySpan<Write> writes)
    {
        var leaves = new List<PendingLeaf>(writes.Length);
        foreach (var write in writes)
        {
            if (write.ValueHash is not null)
            {
                leaves.Add(new PendingLeaf(new LeafNode(write.Path, write.ValueHash), null));
            }
        }

        return leaves;
    }

    private TreeNode? Read(byte[] key)
    {
        var bytes = _reader.Get(key);
        if (bytes is null)
        {
            return null;
        }

        return TreeNodeCodec.Parse(bytes, out var problem)
            ?? throw new InvalidDataException($"The state tree's node {Convert.ToHexString(key)} is corrupt: {problem}");
    }

    private void Put(byte[] key, TreeNode node) => _written.Add(new(key, TreeNodeCodec.Encode(node)));

    private void Stale(byte[]? key)
    {
        if (key is not null)
        {
            _stale.Add(key);
        }
    }
}
