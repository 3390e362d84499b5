using System.Numerics;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// A 16-way node: up to 16 children, one per value of the next nibble, at least two records below it. Its hash is the
/// binary compact tree over its slots (four bit levels): an empty range hashes to zero, a range holding one leaf and
/// nothing else hashes to that leaf, any other range to the internal hash of its two halves. Radix-16 storage with binary
/// hashing is Jellyfish's choice too: a quarter of the node reads and writes, proofs as short as a binary tree's.
/// </summary>
public sealed class InternalNode : TreeNode
{
    public const int Slots = 16;

    private readonly TreeChild?[] _children;
    private byte[]? _hash;

    /// <param name="children">Sixteen slots, null where empty; the caller keeps the invariants <see cref="TreeNodeCodec"/> checks.</param>
    public InternalNode(TreeChild?[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Length != Slots)
        {
            throw new ArgumentException($"An internal node has {Slots} slots.", nameof(children));
        }

        _children = children;
        for (var slot = 0; slot < Slots; slot++)
        {
            if (children[slot] is { } child)
            {
                ExistMask |= 1 << slot;
                LeafMask |= child.IsLeaf ? 1 << slot : 0;
            }
        }
    }

    /// <summary>Bit s set when slot s holds a child.</summary>
    public int ExistMask { get; }

    /// <summary>Bit s set when slot s holds a leaf.</summary>
    public int LeafMask { get; }

    public TreeChild? this[int slot] => _children[slot];

    public override byte[] Hash => _hash ??= RangeHash(0, Slots);

    /// <summary>A copy of the slots, for building the node that replaces this one.</summary>
    public TreeChild?[] CopyChildren() => (TreeChild?[])_children.Clone();

    /// <summary>The binary hash of slots [lo, lo + width), width a power of two.</summary>
    internal byte[] RangeHash(int lo, int width)
    {
        if (width == 1)
        {
            return _children[lo]?.Hash ?? TreeHashes.EmptyHash;
        }

        var mask = RangeMask(lo, width);
        if ((ExistMask & mask) == 0)
        {
            return TreeHashes.EmptyHash;
        }

        if (LoneLeaf(lo, width) is { } slot)
        {
            return _children[slot]!.Value.Hash;
        }

        var half = width / 2;
        return TreeHashes.Internal(RangeHash(lo, half), RangeHash(lo + half, half));
    }

    /// <summary>The slot of the only child in [lo, lo + width) when that child is a leaf; otherwise null.</summary>
    internal int? LoneLeaf(int lo, int width)
    {
        var present = ExistMask & RangeMask(lo, width);
        return BitOperations.PopCount((uint)present) == 1 && (LeafMask & present) != 0
            ? BitOperations.TrailingZeroCount(present)
            : null;
    }

    internal static int RangeMask(int lo, int width) => ((1 << width) - 1) << lo;
}
