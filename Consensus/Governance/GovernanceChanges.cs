using Google.Protobuf;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Governance;

/// <summary>
/// Writes what an approved proposal changes, all to take effect at its activation height: a new validator set record
/// (and the retirement of every key that leaves), an authority's new standing, or new parameters. Records are only ever
/// added, never rewritten, apart from the head's counts.
/// </summary>
internal static class GovernanceChanges
{
    public static void Schedule(StateOverlay state, RuleContext chain, byte[] proposalId, ProposalRecord record)
    {
        var head = GovernanceState.Head(state).Clone();
        head.LastActivation = record.ActivationHeight;
        var id = ByteString.CopyFrom(proposalId);
        var activation = record.ActivationHeight;
        var proposal = record.Proposal;
        var (latest, _) = GovernanceState.LatestValidators(state, chain);
        switch (proposal.ChangeCase)
        {
            case GovernanceProposal.ChangeOneofCase.AddValidator:
                PutSet(state, head, activation, id, [.. latest, proposal.AddValidator.Clone()]);
                break;
            case GovernanceProposal.ChangeOneofCase.RemoveValidators:
                var leaving = proposal.RemoveValidators.PublicKeys;
                PutSet(state, head, activation, id, [.. latest.Where(v => !leaving.Contains(v.PublicKey))]);
                foreach (var key in leaving)
                {
                    Retire(state, key, activation, id);
                }

                break;
            case GovernanceProposal.ChangeOneofCase.RotateValidator:
                var rotate = proposal.RotateValidator;
                PutSet(state, head, activation, id, [.. latest.Select(v => v.PublicKey == rotate.OldKey ? WithKey(v, rotate.NewKey) : v)]);
                Retire(state, rotate.OldKey, activation, id);
                break;
            case GovernanceProposal.ChangeOneofCase.AddAuthority:
            case GovernanceProposal.ChangeOneofCase.RemoveAuthority:
                var adding = proposal.ChangeCase == GovernanceProposal.ChangeOneofCase.AddAuthority;
                var authority = adding ? proposal.AddAuthority : proposal.RemoveAuthority;
                var authorities = GovernanceState.AuthorityCount(state, chain);
                head.Authorities = adding ? authorities + 1 : authorities - 1;
                state.PutGovernance(GovernanceKeys.Authority(authority.Span), new GovernanceRecord
                {
                    Authority = new AuthorityRecord { Active = adding, ActivationHeight = activation, ProposalId = id },
                });
                break;
            case GovernanceProposal.ChangeOneofCase.ConsensusParams:
                head.ParamsChanges++;
                state.PutGovernance(GovernanceKeys.Params(head.ParamsChanges), new GovernanceRecord
                {
                    Params = new ParamsRecord { ActivationHeight = activation, Params = proposal.ConsensusParams.Clone(), ProposalId = id },
                });
                break;
            default:
                throw new InvalidOperationException($"Governance change {proposal.ChangeCase} was approved without a way to apply it.");
        }

        state.PutGovernance(GovernanceKeys.Head, new GovernanceRecord { Head = head });
    }

    private static void PutSet(StateOverlay state, GovernanceHead head, ulong activation, ByteString id, List<ValidatorInfo> validators)
    {
        head.ValidatorSets++;
        var record = new ValidatorSetRecord { ActivationHeight = activation, ProposalId = id };
        record.Validators.AddRange(validators.Select(v => v.Clone()));
        state.PutGovernance(GovernanceKeys.ValidatorSet(head.ValidatorSets), new GovernanceRecord { ValidatorSet = record });
    }

    private static void Retire(StateOverlay state, ByteString key, ulong activation, ByteString id) =>
        state.PutGovernance(GovernanceKeys.Retired(key.Span), new GovernanceRecord
        {
            RetiredKey = new RetiredKeyRecord { RetiredHeight = activation, ProposalId = id },
        });

    private static ValidatorInfo WithKey(ValidatorInfo validator, ByteString key)
    {
        var rotated = validator.Clone();
        rotated.PublicKey = key;
        return rotated;
    }
}
