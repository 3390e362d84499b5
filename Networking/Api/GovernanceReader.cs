using Google.Protobuf;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Networking.Api;

/// <summary>
/// What GetGovernance answers, read from committed state: who is in force at the head, the approved change waiting for
/// its activation, and where each proposal stands. Every standing comes from the rules' own homes
/// (<see cref="GovernanceState"/>, <see cref="GovernanceRules"/>): this class decides nothing, it only reports.
/// </summary>
/// <remarks>
/// The head is read first and everything is judged at it; a record committed while the answer is assembled may show
/// a later approval than that height, never an earlier one (records only grow).
/// </remarks>
internal sealed class GovernanceReader(ChainStore store, Genesis genesis)
{
    private readonly RuleContext _rules = RuleContext.From(genesis);

    public GovernanceResponse Read(uint limit, byte[]? proposalId)
    {
        var height = store.Height;
        var schedule = GovernanceState.Schedule(store, _rules, GovernanceState.SetOf(_rules.GenesisValidators));
        var set = schedule.At(height);
        var response = new GovernanceResponse
        {
            Height = height,
            Validators = { GovernanceState.ValidatorsAt(store, _rules, height) },
            // The genesis set certifies from height 1; a chain at height 0 is under it too.
            ValidatorsFromHeight = schedule.Sets.Last(s => s.From <= Math.Max(height, 1)).From,
            MaxFaulty = (uint)set.MaxFaulty,
            Quorum = (uint)set.Quorum,
            Authorities = { Authorities(height) },
            Params = GovernanceState.ParamsAt(store, _rules, height),
            Pending = Pending(height, schedule),
        };

        var total = GovernanceState.Head(store).Proposals;
        response.ProposalsTotal = total;
        List<(byte[] Id, ProposalRecord Record)> listed = proposalId is not null
            ? GovernanceState.Proposal(store, proposalId) is { } one ? [(proposalId, one)] : []
            : Newest(total, limit);
        response.Proposals.AddRange(listed.Select(p => Standing(p.Id, p.Record, height, schedule)));
        return response;
    }

    /// <summary>
    /// The <paramref name="limit"/> proposals proposed last, newest first: read by their numbers (ProposalBook), so the
    /// cost is the limit's, however many proposals the chain holds.
    /// </summary>
    private List<(byte[] Id, ProposalRecord Record)> Newest(ulong total, uint limit)
    {
        var newest = new List<(byte[] Id, ProposalRecord Record)>();
        for (var number = total; number >= 1 && newest.Count < limit; number--)
        {
            if (ProposalBook.IdOf(store, number) is { } id && GovernanceState.Proposal(store, id) is { } record)
            {
                newest.Add((id, record));
            }
        }

        return newest;
    }

    private ProposalStanding Standing(byte[] id, ProposalRecord record, ulong height, ValidatorSchedule schedule)
    {
        var open = record.ApprovedHeight == 0;
        // Approvals count against the set in force where they execute: the next block's while open, else the approving one's.
        var counting = schedule.At(open ? height + 1 : record.ApprovedHeight);
        var lastApproval = GovernanceRules.LastApprovalHeight(record);
        var standing = new ProposalStanding
        {
            Id = ByteString.CopyFrom(id),
            Record = record,
            // Open while an approval could still execute in the next block (the rules' own test).
            Status = !open ? (record.ActivationHeight <= height ? "in force" : "approved")
                : ProposalBook.IsOpen(record, height + 1) ? "open"
                : "expired",
            CountedApprovals = (uint)GovernanceRules.CountedApprovals(record, counting),
            NeededApprovals = (uint)counting.Quorum,
            ExpiresAtHeight = lastApproval,
        };

        if (record.Proposal.RemoveValidators?.Evidence is { } evidence)
        {
            // Two consensus messages may carry two whole blocks: the listing describes them, the envelope holds them.
            standing.Evidence = Described(evidence, schedule);
            standing.Record = record.Clone();
            standing.Record.Proposal.RemoveValidators.Evidence = new Evidence { Validator = evidence.Validator };
        }

        return standing;
    }

    private static EvidenceRecord? Described(Evidence evidence, ValidatorSchedule schedule)
    {
        if (EvidenceRecords.Describe(evidence, schedule, 0) is not { } record)
        {
            return null;
        }

        record.First = ByteString.Empty;
        record.Second = ByteString.Empty;
        return record;
    }

    /// <summary>Genesis's authorities and those governance added, as far as each is one at <paramref name="height"/>.</summary>
    private IEnumerable<ByteString> Authorities(ulong height) =>
        genesis.Authorities.Concat(store.AuthorityRecordKeys().Select(ByteString.CopyFrom)).Distinct()
            .Where(key => GovernanceState.IsAuthority(store, _rules, key.Span, height));

    /// <summary>
    /// The approved change whose activation is still ahead, found through the record it scheduled: a validator set, a
    /// parameter change or an authority record, each of which names its proposal.
    /// </summary>
    private PendingChange? Pending(ulong height, ValidatorSchedule schedule)
    {
        if (GovernanceState.PendingActivation(store, height) is not { } activation)
        {
            return null;
        }

        var head = GovernanceState.Head(store);
        var pending = new PendingChange();
        ByteString? id = null;
        if (head.ValidatorSets > 0 && GovernanceState.ValidatorSet(store, head.ValidatorSets) is { } set && set.ActivationHeight == activation)
        {
            id = set.ProposalId;
            pending.Validators.AddRange(set.Validators);
        }
        else if (head.ParamsChanges > 0 && store.GetGovernance(GovernanceKeys.Params(head.ParamsChanges))?.Params is { } change
            && change.ActivationHeight == activation)
        {
            id = change.ProposalId;
        }
        else
        {
            id = store.AuthorityRecordKeys()
                .Select(key => store.GetGovernance(GovernanceKeys.Authority(key))?.Authority)
                .FirstOrDefault(a => a is not null && a.ActivationHeight == activation)?.ProposalId;
        }

        if (id is not null && GovernanceState.Proposal(store, id.Span) is { } record)
        {
            pending.Proposal = Standing(id.ToByteArray(), record, height, schedule);
        }

        return pending;
    }
}
