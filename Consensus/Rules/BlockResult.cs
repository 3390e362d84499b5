using Google.Protobuf;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// What applying a block's transactions produced: the canonical state changes, the state tree's next version (whose root
/// is the header's state root), and the change of validators the block approved (the header's <c>validator_change</c>;
/// null in almost every block).
/// </summary>
public sealed record BlockResult(IReadOnlyList<StateChange> Changes, TreeUpdate Tree, ValidatorChange? ValidatorChange = null)
{
    /// <summary>The root of the state tree after the block: the header's state root.</summary>
    public byte[] StateRoot => Tree.NewRoot;

    /// <summary>
    /// The result of the transactions <paramref name="txIds"/> (in block order) applied to <paramref name="overlay"/> over
    /// <paramref name="committed"/>, for the block at <paramref name="height"/>.
    /// </summary>
    public static BlockResult Of(ICommittedState committed, StateOverlay overlay, ulong height, IReadOnlyList<byte[]> txIds)
    {
        var changes = overlay.Changes();
        return new BlockResult(changes, BlockTreeChanges.Apply(committed, height, changes, txIds), ApprovedChange(committed, overlay));
    }

    /// <summary>True when the header's field is exactly what execution produced (absent when none was approved).</summary>
    public bool MatchesHeader(BlockHeader header) =>
        ValidatorChange is null ? header.ValidatorChange is null : ValidatorChange.Equals(header.ValidatorChange);

    private static ValidatorChange? ApprovedChange(IStateReader committed, StateOverlay overlay)
    {
        var after = GovernanceState.Head(overlay).ValidatorSets;
        if (after == GovernanceState.Head(committed).ValidatorSets)
        {
            return null;
        }

        return GovernanceState.ChangeOf(GovernanceState.ValidatorSet(overlay, after));
    }
}
