using System.Buffers.Binary;
using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// What one block writes into the state tree: the records its rules changed, its transactions' ids (the replay
/// protection, <see cref="StateColumn.Transactions"/>) and the tree's height record (<see cref="StateColumn.Chain"/>).
/// The one home of that list, for block execution and for snapshots, which must rebuild the same leaves.
/// </summary>
public static class BlockTreeChanges
{
    /// <summary>The key of the height record in <see cref="StateColumn.Chain"/>.</summary>
    public static byte[] HeightKey() => "height"u8.ToArray();

    /// <summary>The height record's value: the height, 8 bytes big-endian.</summary>
    public static byte[] HeightValue(ulong height)
    {
        var value = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(value, height);
        return value;
    }

    /// <summary>A transaction's leaf value: where it sits, as Storage's transaction index holds it.</summary>
    public static byte[] TransactionValue(ulong height, int position) =>
        new TxLocation { Height = height, Position = (uint)position }.ToByteArray();

    /// <summary>The tree changes of the block at <paramref name="height"/>.</summary>
    public static List<TreeChange> Of(ulong height, IReadOnlyList<StateChange> changes, IReadOnlyList<byte[]> txIds)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(txIds);
        var all = new List<TreeChange>(changes.Count + txIds.Count + 1);
        foreach (var change in changes)
        {
            all.Add(TreeChange.From(change));
        }

        for (var position = 0; position < txIds.Count; position++)
        {
            all.Add(new TreeChange(StateColumn.Transactions, txIds[position], TransactionValue(height, position)));
        }

        all.Add(new TreeChange(StateColumn.Chain, HeightKey(), HeightValue(height)));
        return all;
    }

    /// <summary>
    /// The tree after the block at <paramref name="height"/> on <paramref name="committed"/> (which must be at the height
    /// before): computed, not written.
    /// </summary>
    public static TreeUpdate Apply(ICommittedState committed, ulong height, IReadOnlyList<StateChange> changes, IReadOnlyList<byte[]> txIds)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var from = committed.Height;
        if (height != from + 1)
        {
            throw new InvalidOperationException($"The block at height {height} cannot execute on state at height {from}.");
        }

        return StateTree.Apply(committed, from == 0 ? null : from, height, Of(height, changes, txIds));
    }
}
