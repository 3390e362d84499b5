using System.Buffers.Binary;
using System.Numerics;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// The one byte encoding of a node, for the store and later for state sync, where nodes come from untrusted peers: every
/// node has exactly one encoding, and <see cref="Parse"/> refuses anything else (wrong size, unknown tag, slots that
/// break the tree's invariants) with a sentence, without throwing.
/// <list type="bullet">
/// <item>empty root: 0x00</item>
/// <item>leaf: 0x01, path (32), value hash (32)</item>
/// <item>internal: 0x02, slots in use (2, big-endian, bit s for slot s), which of them are leaves (2), then per slot in
/// use in slot order: version (8, big-endian), hash (32)</item>
/// </list>
/// </summary>
public static class TreeNodeCodec
{
    public const int MaxSize = InternalHeader + (InternalNode.Slots * ChildSize);

    private const byte EmptyTag = 0;
    private const byte LeafTag = 1;
    private const byte InternalTag = 2;
    private const int LeafSize = 1 + TreeHashes.Size + TreeHashes.Size;
    private const int InternalHeader = 1 + 2 + 2;
    private const int ChildSize = 8 + TreeHashes.Size;

    public static byte[] Encode(TreeNode node) => node switch
    {
        EmptyNode => [EmptyTag],
        LeafNode leaf => [LeafTag, .. leaf.Path, .. leaf.ValueHash],
        InternalNode inner => EncodeInternal(inner),
        _ => throw new ArgumentException($"Unknown node type {node?.GetType().Name}.", nameof(node)),
    };

    /// <summary>The node, or null with <paramref name="problem"/> saying why the bytes are not one.</summary>
    public static TreeNode? Parse(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.IsEmpty || bytes.Length > MaxSize)
        {
            problem = $"A tree node is 1 to {MaxSize} bytes, not {bytes.Length}.";
            return null;
        }

        switch (bytes[0])
        {
            case EmptyTag when bytes.Length == 1:
                return EmptyNode.Instance;
            case LeafTag when bytes.Length == LeafSize:
                return new LeafNode(bytes[1..33].ToArray(), bytes[33..].ToArray());
            case InternalTag:
                return ParseInternal(bytes, out problem);
            case EmptyTag or LeafTag:
                problem = $"A tree node of kind {bytes[0]} cannot be {bytes.Length} bytes.";
                return null;
            default:
                problem = $"Unknown tree node kind {bytes[0]}.";
                return null;
        }
    }

    private static InternalNode? ParseInternal(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length < InternalHeader)
        {
            problem = "An internal tree node is cut short.";
            return null;
        }

        int exist = BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
        int leaves = BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]);
        var count = BitOperations.PopCount((uint)exist);
        problem = bytes.Length != InternalHeader + (count * ChildSize) ? $"An internal tree node with {count} children is {InternalHeader + (count * ChildSize)} bytes, not {bytes.Length}."
            : count == 0 ? "An internal tree node has no children."
            : (leaves & ~exist) != 0 ? "An internal tree node marks an empty slot as a leaf."
            : count == 1 && leaves == exist ? "An internal tree node holds a lone leaf, which belongs in its parent's place."
            : null;
        if (problem is not null)
        {
            return null;
        }

        var children = new TreeChild?[InternalNode.Slots];
        var at = InternalHeader;
        for (var slot = 0; slot < InternalNode.Slots; slot++)
        {
            if ((exist & (1 << slot)) == 0)
            {
                continue;
            }

            var hash = bytes.Slice(at + 8, TreeHashes.Size);
            if (hash.SequenceEqual(TreeHashes.Empty))
            {
                problem = $"Slot {slot} of an internal tree node holds the empty hash.";
                return null;
            }

            children[slot] = new TreeChild(BinaryPrimitives.ReadUInt64BigEndian(bytes[at..]), hash.ToArray(), (leaves & (1 << slot)) != 0);
            at += ChildSize;
        }

        return new InternalNode(children);
    }

    private static byte[] EncodeInternal(InternalNode node)
    {
        var bytes = new byte[InternalHeader + (BitOperations.PopCount((uint)node.ExistMask) * ChildSize)];
        bytes[0] = InternalTag;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), (ushort)node.ExistMask);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(3), (ushort)node.LeafMask);
        var at = InternalHeader;
        for (var slot = 0; slot < InternalNode.Slots; slot++)
        {
            if (node[slot] is { } child)
            {
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at), child.Version);
                child.Hash.CopyTo(bytes, at + 8);
                at += ChildSize;
            }
        }

        return bytes;
    }
}
