namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// A stored node of the state tree. Nodes are stored 16-way (one per nibble of the path, as Jellyfish does) so that a
/// block reads and writes about log16(n) nodes per changed record, while hashes are those of the binary tree
/// (<see cref="InternalNode"/>), so a proof carries one sibling per bit level.
/// </summary>
public abstract class TreeNode
{
    /// <summary>The hash of the subtree this node heads.</summary>
    public abstract byte[] Hash { get; }
}

/// <summary>The root of a version whose tree holds nothing: stored so that an empty version can be told from a missing one.</summary>
public sealed class EmptyNode : TreeNode
{
    public static readonly EmptyNode Instance = new();

    private EmptyNode()
    {
    }

    public override byte[] Hash => TreeHashes.EmptyHash;
}

/// <summary>
/// One record: its key path and the hash of its value (the value itself stays in its state column). A leaf sits as high
/// as it is alone: the compact tree gives a subtree holding one record that record's leaf hash.
/// </summary>
public sealed class LeafNode : TreeNode
{
    private byte[]? _hash;

    public LeafNode(byte[] path, byte[] valueHash)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(valueHash);
        if (path.Length != TreeHashes.Size || valueHash.Length != TreeHashes.Size)
        {
            throw new ArgumentException("A leaf's path and value hash are 32 bytes each.");
        }

        Path = path;
        ValueHash = valueHash;
    }

    public byte[] Path { get; }

    public byte[] ValueHash { get; }

    public override byte[] Hash => _hash ??= TreeHashes.Leaf(Path, ValueHash);
}

/// <summary>
/// What an internal node knows of a child: the version that wrote it (with the child's position, its node key), its
/// hash, and whether it is a leaf (a lone leaf's hash rises through the levels inside its parent; an internal child's
/// does not).
/// </summary>
public readonly record struct TreeChild(ulong Version, byte[] Hash, bool IsLeaf);
