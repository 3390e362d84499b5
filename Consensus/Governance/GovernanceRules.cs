using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Governance;

/// <summary>
/// Proposals and approvals of governance changes (docs/GOVERNANCE.md). Both must be signed by a validator in force at the
/// executing height. Approvals count against that height's set; at its quorum a proposal is approved, checked once more
/// against the state of that moment, and scheduled (<see cref="GovernanceChanges"/>) for <see cref="ActivationDelay"/>
/// blocks later. Like every rule, each checks fully before it writes.
/// </summary>
public static class GovernanceRules
{
    /// <summary>
    /// Blocks from approval to effect. At least 2: the engine must know the set for the next height while it agrees on
    /// this one, and it learns of a change when the approving block commits. The third gives nodes time to dial a new validator.
    /// </summary>
    public const ulong ActivationDelay = 3;

    /// <summary>Blocks a proposal stays open for approvals.</summary>
    public const ulong ProposalLifetime = 10_000;

    public static Rejection? Propose(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var proposal = tx.Payload.GovernanceProposal;
        var rejection = Signer(state, chain, block, tx) ?? ProposalBook.Problem(state, block, tx.Signer)
            ?? GovernanceChecks.Problem(state, chain, proposal);
        if (rejection is not null)
        {
            return rejection;
        }

        var record = new ProposalRecord
        {
            Proposal = proposal,
            Proposer = ByteString.CopyFrom(tx.Signer),
            ProposedHeight = block.Height,
            // A change of parameters names all five values: it is meant against the ones in force when proposed.
            ParamsBase = GovernanceState.Head(state).ParamsChanges,
        };
        record.Approvals.Add(ByteString.CopyFrom(tx.Signer));
        if (Record(state, chain, block, tx.Id, record) is { } refused)
        {
            return refused;
        }

        ProposalBook.Add(state, block, tx.Signer, tx.Id);
        return null;
    }

    public static Rejection? Approve(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var id = tx.Payload.GovernanceApproval.ProposalId;
        if (id.Length != Hashing.HashSize)
        {
            return new Rejection(RejectCode.Malformed, $"A proposal id is {Hashing.HashSize} bytes, not {id.Length}.");
        }

        if (Signer(state, chain, block, tx) is { } notValidator)
        {
            return notValidator;
        }

        var record = GovernanceState.Proposal(state, id.Span);
        if (record is null)
        {
            return new Rejection(RejectCode.UnknownProposal, $"There is no proposal {CommonChecks.Short(id.Span)}.");
        }

        if (record.ApprovedHeight != 0)
        {
            return new Rejection(RejectCode.ProposalClosed,
                $"Proposal {CommonChecks.Short(id.Span)} was approved at height {record.ApprovedHeight}.");
        }

        if (block.Height > LastApprovalHeight(record))
        {
            return new Rejection(RejectCode.ProposalClosed,
                $"Proposal {CommonChecks.Short(id.Span)} expired at height {LastApprovalHeight(record)}.");
        }

        if (record.Approvals.Any(a => a.Span.SequenceEqual(tx.Signer)))
        {
            return new Rejection(RejectCode.AlreadyApproved,
                $"This validator's approval of proposal {CommonChecks.Short(id.Span)} is already counted.");
        }

        var approved = record.Clone();
        approved.Approvals.Add(ByteString.CopyFrom(tx.Signer));
        return Record(state, chain, block, id.ToByteArray(), approved);
    }

    /// <summary>The last height at which an approval of the proposal can execute; after it the proposal has expired.</summary>
    public static ulong LastApprovalHeight(ProposalRecord record) => record.ProposedHeight + ProposalLifetime;

    /// <summary>Approvals by validators that left the set since they approved no longer count.</summary>
    public static int CountedApprovals(ProposalRecord record, ValidatorSet validators) =>
        record.Approvals.Count(a => validators.IndexOf(a.ToByteArray()) is not null);

    /// <summary>Writes the proposal; at its quorum, approves and schedules it first (or refuses, writing nothing).</summary>
    private static Rejection? Record(StateOverlay state, RuleContext chain, BlockContext block, byte[] id, ProposalRecord record)
    {
        var validators = SetAt(state, chain, block.Height);
        if (CountedApprovals(record, validators) >= validators.Quorum)
        {
            if (GovernanceState.PendingActivation(state, block.Height) is { } pending)
            {
                return new Rejection(RejectCode.ChangePending,
                    $"Another change takes effect at height {pending}; approve this one again after it.");
            }

            // The state may have moved since the proposal: what was safe then is checked against now.
            if (GovernanceChecks.Problem(state, chain, record.Proposal) is { } unsafeNow)
            {
                return unsafeNow;
            }

            // Approved after another change of parameters, an older one would quietly undo it.
            if (record.Proposal.ChangeCase == GovernanceProposal.ChangeOneofCase.ConsensusParams
                && GovernanceState.Head(state).ParamsChanges != record.ParamsBase)
            {
                return new Rejection(RejectCode.UnsafeChange,
                    "The consensus parameters changed since this proposal was made; propose again from the ones in force.");
            }

            record.ApprovedHeight = block.Height;
            record.ActivationHeight = block.Height + ActivationDelay;
            GovernanceChanges.Schedule(state, chain, id, record);
        }

        state.PutGovernance(GovernanceKeys.Proposal(id), new GovernanceRecord { Proposal = record });
        return null;
    }

    private static Rejection? Signer(IStateReader state, RuleContext chain, BlockContext block, VerifiedTx tx) =>
        !GovernanceState.ValidatorsAt(state, chain, block.Height).Any(v => v.PublicKey.Span.SequenceEqual(tx.Signer))
            ? new Rejection(RejectCode.NotValidator, "Only a validator in force at this height may propose or approve a governance change.")
            : null;

    private static ValidatorSet SetAt(IStateReader state, RuleContext chain, ulong height) =>
        GovernanceState.SetOf(GovernanceState.ValidatorsAt(state, chain, height));
}
