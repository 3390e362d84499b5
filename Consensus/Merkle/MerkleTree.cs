using System.Numerics;
using System.Security.Cryptography;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Merkle;

/// <summary>
/// An RFC 6962 style Merkle tree over transaction ids. Leaves and inner nodes hash with different one-byte
/// prefixes so that a leaf can never pass for an inner node (second-preimage resistance).
/// </summary>
public static class MerkleTree
{
    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>The root over <paramref name="leaves"/>; the empty tree's root is SHA-256 of nothing.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0)
        {
            return Hashing.Sha256([]);
        }

        return RootOf(leaves, 0, leaves.Count);
    }

    /// <summary>The inclusion proof (audit path, leaf level first) of the leaf at <paramref name="index"/>.</summary>
    public static MerkleProof Prove(IReadOnlyList<byte[]> leaves, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leaves.Count);
        var path = new List<byte[]>();
        CollectPath(leaves, index, 0, leaves.Count, path);
        return new MerkleProof((ulong)index, (ulong)leaves.Count, path);
    }

    /// <summary>True when <paramref name="leaf"/> sits at the proof's index in a tree with this root.</summary>
    public static bool Verify(ReadOnlySpan<byte> root, ReadOnlySpan<byte> leaf, MerkleProof proof)
    {
        if (proof.Index >= proof.TreeSize)
        {
            return false;
        }

        // RFC 9162, 2.1.3.2: walk up from the leaf, using the index bits to know on which side each sibling sits.
        var fn = proof.Index;
        var sn = proof.TreeSize - 1;
        var hash = LeafHash(leaf);
        foreach (var sibling in proof.Path)
        {
            if (sn == 0 || sibling.Length != Hashing.HashSize)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                hash = NodeHash(sibling, hash);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                hash = NodeHash(hash, sibling);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(hash, root);
    }

    internal static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        Span<byte> buffer = leaf.Length <= 256 ? stackalloc byte[leaf.Length + 1] : new byte[leaf.Length + 1];
        buffer[0] = LeafPrefix;
        leaf.CopyTo(buffer[1..]);
        return Hashing.Sha256(buffer);
    }

    internal static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + left.Length + right.Length];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + left.Length)..]);
        return Hashing.Sha256(buffer);
    }

    private static byte[] RootOf(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1)
        {
            return LeafHash(leaves[start]);
        }

        var split = SplitPoint(count);
        return NodeHash(RootOf(leaves, start, split), RootOf(leaves, start + split, count - split));
    }

    private static void CollectPath(IReadOnlyList<byte[]> leaves, int index, int start, int count, List<byte[]> path)
    {
        if (count == 1)
        {
            return;
        }

        var split = SplitPoint(count);
        if (index < split)
        {
            CollectPath(leaves, index, start, split, path);
            path.Add(RootOf(leaves, start + split, count - split));
        }
        else
        {
            CollectPath(leaves, index - split, start + split, count - split, path);
            path.Add(RootOf(leaves, start, split));
        }
    }

    /// <summary>The largest power of two strictly below <paramref name="count"/> (count &gt; 1).</summary>
    private static int SplitPoint(int count) => (int)BitOperations.RoundUpToPowerOf2((uint)count) >> 1;
}
