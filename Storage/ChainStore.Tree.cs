using RocksDbSharp;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Storage;

/// <summary>The state tree on disk: its nodes, each block's new ones and stale ones, and pruning (docs/STATE-PROOFS.md).</summary>
public sealed partial class ChainStore
{
    /// <summary>
    /// How many versions of the tree before the head stay readable. Proofs are made at the head only (the API's), so
    /// these only carry a proof walk that a few commits overtake; a walk from a version pruned under it fails and is
    /// made again at the new head. Older versions' nodes are deleted in the block write that passes them: each kept
    /// version holds about as many nodes as its block wrote, so on a young chain of large blocks they were most of the
    /// folder (32 of them quadrupled a 27-block, 100,000-vote devnet's data).
    /// </summary>
    public const ulong KeptTreeVersions = 4;

    /// <summary>
    /// The oldest version whose stale nodes may still be on disk: pruning seeks there rather than to the column's start,
    /// which after a long run begins with the deletion markers of everything pruned before (RocksDB skips them one by
    /// one until it compacts). 0 at open: the first prune looks from the start once. Only the writer reads or sets it.
    /// </summary>
    private ulong _pruneFrom;

    /// <summary>
    /// The nodes the last block wrote, as they went to disk. The next block reads most of them again (the top levels of the
    /// tree are rewritten by nearly every block), and a node never changes once written (its key holds its version), so
    /// they are served from here instead of RocksDB. Replaced whole after each write, so readers need no lock.
    /// </summary>
    private volatile Dictionary<byte[], byte[]> _lastWritten = new(ByteKeyComparer.Instance);

    /// <summary>The tree's top levels (bounded: see <see cref="TreeNodeCache"/>), filled by reads and by each block's write.</summary>
    private readonly TreeNodeCache _topLevels = new();

    /// <remarks>The bytes returned may be shared with the caches: read them, never change them.</remarks>
    public byte[]? Get(ReadOnlySpan<byte> nodeKey)
    {
        if (_topLevels.Get(nodeKey) is { } top)
        {
            return top;
        }

        if (_lastWritten.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(nodeKey, out var recent))
        {
            return recent;
        }

        var stored = _db.Get(StoreColumn.StateTree, nodeKey);
        if (stored is not null)
        {
            _topLevels.Offer(nodeKey, stored);
        }

        return stored;
    }

    /// <summary>
    /// What <paramref name="key"/> of <paramref name="column"/> holds at <paramref name="height"/>, proven against that
    /// height's state root; null when that version is pruned or was never written here.
    /// </summary>
    public StateProof? Prove(ulong height, StateColumn column, ReadOnlySpan<byte> key)
    {
        if (height == 0 || height > _head.Height || Get(TreeNodeKey.Root(height)) is null)
        {
            return null;
        }

        try
        {
            return StateTree.Prove(this, height, column, key);
        }
        catch (InvalidDataException) when (Get(TreeNodeKey.Root(height)) is null)
        {
            // Pruned between the check and the walk: as if it had been before.
            return null;
        }
    }

    /// <summary>
    /// The serialized record <paramref name="key"/> of <paramref name="column"/> holds now, exactly as stored (the bytes
    /// whose SHA-256 is its leaf's value hash), or null. Not for <see cref="StateColumn.Chain"/>, which only the tree holds.
    /// </summary>
    public byte[]? GetStateBytes(StateColumn column, ReadOnlySpan<byte> key) => _db.Get(StoreColumns.From(column), key);

    /// <summary>Adds a block's tree version to its write batch, and deletes what the versions it pushes out of the kept ones alone reached.</summary>
    private void PutTree(WriteBatch batch, ulong height, byte[] stateRoot, TreeUpdate tree)
    {
        if (tree.Version != height || !tree.NewRoot.AsSpan().SequenceEqual(stateRoot))
        {
            throw new ArgumentException($"The state tree given for block {height} is not the tree of its state root.", nameof(tree));
        }

        foreach (var (key, node) in tree.NewNodes)
        {
            _db.Put(batch, StoreColumn.StateTree, key, node);
        }

        foreach (var stale in tree.StaleNodes)
        {
            _db.Put(batch, StoreColumn.StateTreeStale, StaleKey(height, stale), []);
        }

        if (height > KeptTreeVersions)
        {
            Prune(batch, height - KeptTreeVersions);
        }
    }

    /// <summary>
    /// Deletes the nodes made stale by versions up to <paramref name="oldestKept"/>: a node version v made stale belongs
    /// to versions before v only, and none of those is kept.
    /// </summary>
    private void Prune(WriteBatch batch, ulong oldestKept)
    {
        foreach (var staleKey in _db.KeysBetween(StoreColumn.StateTreeStale, MetaKeys.Height(_pruneFrom), MetaKeys.Height(oldestKept + 1)))
        {
            _db.Delete(batch, StoreColumn.StateTree, staleKey[sizeof(ulong)..]);
            _db.Delete(batch, StoreColumn.StateTreeStale, staleKey);
        }

        // Set before the batch is written: if the write fails the node stops, and a new open starts from 0 again.
        _pruneFrom = oldestKept + 1;
    }

    private static byte[] StaleKey(ulong version, byte[] nodeKey) => [.. MetaKeys.Height(version), .. nodeKey];
}
