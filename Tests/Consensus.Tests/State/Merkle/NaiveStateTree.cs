using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Consensus.Tests.MerkleState;

/// <summary>
/// The reference the tree is held to: the compact binary tree computed from scratch over every record, one bit level at
/// a time, straight from its definition (empty: zero; one record: its leaf; else the internal hash of both halves). It
/// knows nothing of nibbles, stored nodes or versions.
/// </summary>
internal static class NaiveStateTree
{
    public static byte[] Root(IReadOnlyDictionary<(StateColumn Column, string Key), byte[]> records)
    {
        var leaves = records
            .Select(r => (Path: TreeHashes.KeyPath(r.Key.Column, Convert.FromHexString(r.Key.Key)), ValueHash: TreeHashes.ValueHash(r.Value)))
            .ToList();
        return Hash(leaves, 0);
    }

    private static byte[] Hash(List<(byte[] Path, byte[] ValueHash)> leaves, int bit) => leaves.Count switch
    {
        0 => new byte[32],
        1 => TreeHashes.Leaf(leaves[0].Path, leaves[0].ValueHash),
        _ => TreeHashes.Internal(
            Hash(leaves.Where(l => TreePath.Bit(l.Path, bit) == 0).ToList(), bit + 1),
            Hash(leaves.Where(l => TreePath.Bit(l.Path, bit) == 1).ToList(), bit + 1)),
    };
}
