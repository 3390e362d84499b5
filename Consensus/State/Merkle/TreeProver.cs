using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// Builds a <see cref="StateProof"/> by walking from a version's root along a key path, one stored node per nibble,
/// taking the binary sibling at each bit level inside each node, until the path reaches an empty subtree or a lone
/// leaf: exactly where the compact tree's hashing stops, so the proof is the shortest that verifies.
/// </summary>
internal static class TreeProver
{
    public static StateProof Prove(ITreeNodeReader reader, ulong version, byte[] path)
    {
        var proof = new StateProof();
        var key = TreeNodeKey.Root(version);
        var node = Read(reader, key) ?? throw new InvalidDataException(
            $"The state tree has no root for version {version}: it was never written, or it was pruned.");
        for (var depth = 0; ; depth++)
        {
            if (node is LeafNode leaf)
            {
                proof.LeafPath = ByteString.CopyFrom(leaf.Path);
                proof.LeafValueHash = ByteString.CopyFrom(leaf.ValueHash);
                return proof;
            }

            if (node is not InternalNode inner)
            {
                return proof;
            }

            if (depth == TreePath.Nibbles)
            {
                throw new InvalidDataException("The state tree has an internal node below the last nibble of a path.");
            }

            var slot = TreePath.Nibble(path, depth);
            int lo = 0, width = InternalNode.Slots;
            TreeNode? next = null;
            while (next is null)
            {
                var half = width / 2;
                var onRight = slot >= lo + half;
                proof.Siblings.Add(ByteString.CopyFrom(onRight ? inner.RangeHash(lo, half) : inner.RangeHash(lo + half, half)));
                lo = onRight ? lo + half : lo;
                width = half;
                if ((inner.ExistMask & InternalNode.RangeMask(lo, width)) == 0)
                {
                    return proof;
                }

                if (inner.LoneLeaf(lo, width) is { } leafSlot)
                {
                    // The lone leaf may be another key's: with the path so far shared, it proves this key absent.
                    var leafKey = TreeNodeKey.Encode(inner[leafSlot]!.Value.Version, TreePath.WithNibble(path, depth, leafSlot), depth + 1);
                    next = Read(reader, leafKey) as LeafNode ?? throw Missing(leafKey);
                }
                else if (width == 1)
                {
                    // The slot holds an internal node (a leaf would be lone, an empty slot would have ended the proof).
                    key = TreeNodeKey.Encode(inner[slot]!.Value.Version, path, depth + 1);
                    next = Read(reader, key) as InternalNode ?? throw Missing(key);
                }
            }

            node = next;
        }
    }

    private static InvalidDataException Missing(byte[] key) =>
        new($"The state tree's node {Convert.ToHexString(key)} is missing or not what its parent says.");

    private static TreeNode? Read(ITreeNodeReader reader, byte[] key)
    {
        var bytes = reader.Get(key);
        return bytes is null ? null : TreeNodeCodec.Parse(bytes, out var problem)
            ?? throw new InvalidDataException($"The state tree's node {Convert.ToHexString(key)} is corrupt: {problem}");
    }
}
