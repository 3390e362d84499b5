using VoteChain.Protos.V1;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// The state as a compact sparse Merkle tree (docs/STATE-PROOFS.md): every record is a leaf at the path its column and
/// key hash to, so the root commits to the state itself and one record can be proven against it. Pure: nodes are read
/// through <see cref="ITreeNodeReader"/> and a block's changes come back as a <see cref="TreeUpdate"/> to persist.
/// Versions are block heights: each version's nodes are keyed by it and older versions stay readable until pruned.
/// </summary>
public static class StateTree
{
    private const int ParallelHashing = 512;

    /// <summary>The root hash of the empty tree.</summary>
    public static ReadOnlySpan<byte> EmptyRoot => TreeHashes.Empty;

    /// <summary>
    /// Applies one block's changes to the tree of <paramref name="baseVersion"/> (null: the empty tree) as
    /// <paramref name="version"/>. The changes may come in any order (they are put in path order here); each key at
    /// most once. A null value removes the key; removing an absent key does nothing.
    /// </summary>
    /// <exception cref="InvalidDataException">The store lacks the base version or holds a corrupt node.</exception>
    public static TreeUpdate Apply(ITreeNodeReader reader, ulong? baseVersion, ulong version, IReadOnlyList<TreeChange> changes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(changes);
        if (baseVersion is { } from && version <= from)
        {
            throw new ArgumentOutOfRangeException(nameof(version), $"Version {version} cannot follow version {from}.");
        }

        var writes = new TreeUpdater.Write[changes.Count];
        void Hash(int i)
        {
            var change = changes[i];
            writes[i] = new TreeUpdater.Write(
                TreeHashes.KeyPath(change.Column, change.Key),
                change.Value is null ? null : TreeHashes.ValueHash(change.Value));
        }

        // Two hashes a change (its path, its record): on every core for a large block.
        if (writes.Length >= ParallelHashing)
        {
            Parallel.For(0, writes.Length, Crypto.ParallelChecks.Options, Hash);
        }
        else
        {
            for (var i = 0; i < writes.Length; i++)
            {
                Hash(i);
            }
        }

        Array.Sort(writes, (a, b) => a.Path.AsSpan().SequenceCompareTo(b.Path));
        for (var i = 1; i < writes.Length; i++)
        {
            if (writes[i].Path.AsSpan().SequenceEqual(writes[i - 1].Path))
            {
                throw new ArgumentException("A key is changed twice in one batch.", nameof(changes));
            }
        }

        return new TreeUpdater(reader, version).Run(baseVersion, writes);
    }

    /// <summary>Applies a block's state changes as they are today: every one writes a record.</summary>
    public static TreeUpdate Apply(ITreeNodeReader reader, ulong? baseVersion, ulong version, IReadOnlyList<StateChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return Apply(reader, baseVersion, version, changes.Select(TreeChange.From).ToList());
    }

    /// <summary>The root hash of <paramref name="version"/>.</summary>
    public static byte[] RootHash(ITreeNodeReader reader, ulong version)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var bytes = reader.Get(TreeNodeKey.Root(version))
            ?? throw new InvalidDataException($"The state tree has no root for version {version}: it was never written, or it was pruned.");
        return (TreeNodeCodec.Parse(bytes, out var problem) ?? throw new InvalidDataException($"The state tree's root is corrupt: {problem}")).Hash;
    }

    /// <summary>
    /// Proves what <paramref name="key"/> of <paramref name="column"/> holds at <paramref name="version"/>: its record's
    /// hash, or that it holds nothing. Check it with <see cref="StateProofs.Verify"/> against the version's root.
    /// </summary>
    public static StateProof Prove(ITreeNodeReader reader, ulong version, StateColumn column, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return TreeProver.Prove(reader, version, TreeHashes.KeyPath(column, key));
    }
}
