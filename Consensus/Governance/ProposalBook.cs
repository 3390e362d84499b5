using Google.Protobuf;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Governance;

/// <summary>
/// What bounds proposals (docs/GOVERNANCE.md): a validator has at most <see cref="MaxOpenPerProposer"/> open at once, so
/// up to f lying validators cannot fill state and every listing with proposals nobody approves; and each proposal is
/// numbered in execution order, so the newest are read without a scan however many the chain holds.
/// </summary>
public static class ProposalBook
{
    /// <summary>Proposals one validator may have open (neither approved nor expired) at once.</summary>
    public const int MaxOpenPerProposer = 4;

    /// <summary>Null when <paramref name="proposer"/> may open one more proposal at <paramref name="block"/>; writes nothing.</summary>
    public static Rejection? Problem(IStateReader state, BlockContext block, ReadOnlySpan<byte> proposer)
    {
        var open = StillOpen(state, block.Height, proposer).Count;
        return open >= MaxOpenPerProposer
            ? new Rejection(RejectCode.TooManyProposals,
                $"This validator has {open} proposals open, the most one may have at once; each closes when approved or "
                + $"{GovernanceRules.ProposalLifetime} blocks after it was proposed.")
            : null;
    }

    /// <summary>
    /// Books a proposal the rules accepted (after <see cref="Problem"/>): the proposer's open list, the proposal's
    /// number and the head's count.
    /// </summary>
    public static void Add(StateOverlay state, BlockContext block, ReadOnlySpan<byte> proposer, byte[] proposalId)
    {
        ArgumentNullException.ThrowIfNull(state);
        var open = StillOpen(state, block.Height, proposer);
        var list = new OpenProposalsRecord();
        list.ProposalIds.AddRange([.. open, ByteString.CopyFrom(proposalId)]);
        state.PutGovernance(GovernanceKeys.OpenProposals(proposer), new GovernanceRecord { OpenProposals = list });

        var head = GovernanceState.Head(state).Clone();
        head.Proposals++;
        state.PutGovernance(GovernanceKeys.ProposalNumber(head.Proposals),
            new GovernanceRecord { ProposalNumber = new ProposalNumberRecord { ProposalId = ByteString.CopyFrom(proposalId) } });
        state.PutGovernance(GovernanceKeys.Head, new GovernanceRecord { Head = head });
    }

    private static List<ByteString> StillOpen(IStateReader state, ulong height, ReadOnlySpan<byte> proposer)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. (state.GetGovernance(GovernanceKeys.OpenProposals(proposer))?.OpenProposals?.ProposalIds ?? [])
            .Where(id => GovernanceState.Proposal(state, id.Span) is { } record && IsOpen(record, height))];
    }

    /// <summary>Whether an approval of <paramref name="record"/> could still execute at <paramref name="height"/>.</summary>
    public static bool IsOpen(ProposalRecord record, ulong height)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.ApprovedHeight == 0 && height <= GovernanceRules.LastApprovalHeight(record);
    }

    /// <summary>The id of the <paramref name="number"/>th proposal (from 1), or null when there is none.</summary>
    public static byte[]? IdOf(IStateReader state, ulong number)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.GetGovernance(GovernanceKeys.ProposalNumber(number))?.ProposalNumber?.ProposalId.ToByteArray();
    }
}
