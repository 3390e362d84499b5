using Google.Protobuf;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// What applying a block's transactions produced: the canonical state changes, the new state root, and the change of
/// validators the block approved (the header's <c>validator_change</c>; null in almost every block).
/// </summary>
public sealed record BlockResult(IReadOnlyList<StateChange> Changes, byte[] StateRoot, ValidatorChange? ValidatorChange = null)
{
    /// <summary>The result of the transactions applied to <paramref name="overlay"/> over <paramref name="committed"/>.</summary>
    public static BlockResult Of(IStateReader committed, StateOverlay overlay, ulong height)
    {
        var changes = overlay.Changes();
        return new BlockResult(changes, State.StateRoot.Next(committed.StateRoot, height, changes), ApprovedChange(committed, overlay));
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
