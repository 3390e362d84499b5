using System.Text;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Governance;

/// <summary>
/// The bounds every governance change must keep, checked against the latest set (the one in force, or the one about to
/// be): at least <see cref="MinValidators"/> validators left after a removal, at most f removed at once, at most
/// <see cref="MaxValidators"/> in all, no key that ever served coming back, parameters within <see cref="ParamsBounds"/>.
/// </summary>
public static class GovernanceChecks
{
    /// <summary>A removal may not leave fewer: 3f+1 with f = 1 is the smallest set that tolerates a fault.</summary>
    public const int MinValidators = 4;

    /// <summary>
    /// The largest set: every certificate carries a quorum of signatures, and peers size their message limits for it.
    /// </summary>
    public const int MaxValidators = 64;

    public const int MaxReasonBytes = 256;

    public static Rejection? Problem(IStateReader state, RuleContext chain, GovernanceProposal proposal)
    {
        if (Encoding.UTF8.GetByteCount(proposal.Reason) > MaxReasonBytes)
        {
            return new Rejection(RejectCode.Malformed, $"A proposal's reason is at most {MaxReasonBytes} bytes.");
        }

        var (latest, _) = GovernanceState.LatestValidators(state, chain);
        return proposal.ChangeCase switch
        {
            GovernanceProposal.ChangeOneofCase.AddValidator => AddProblem(state, latest, proposal.AddValidator),
            GovernanceProposal.ChangeOneofCase.RemoveValidators => RemoveProblem(state, chain, latest, proposal.RemoveValidators),
            GovernanceProposal.ChangeOneofCase.RotateValidator => RotateProblem(state, latest, proposal.RotateValidator),
            GovernanceProposal.ChangeOneofCase.AddAuthority => AuthorityProblem(state, chain, proposal.AddAuthority, adding: true),
            GovernanceProposal.ChangeOneofCase.RemoveAuthority => AuthorityProblem(state, chain, proposal.RemoveAuthority, adding: false),
            GovernanceProposal.ChangeOneofCase.ConsensusParams => ParamsBounds.Problem(proposal.ConsensusParams, chain.GenesisParams) is { } bad
                ? Unsafe(bad)
                : null,
            _ => new Rejection(RejectCode.Malformed, "The proposal names no change."),
        };
    }

    private static Rejection? AddProblem(IStateReader state, IReadOnlyList<ValidatorInfo> latest, ValidatorInfo added)
    {
        if (GenesisValidator.ValidateValidator(added) is [var first, ..])
        {
            return new Rejection(RejectCode.BadPublicKey, $"The new validator is not valid: {first}.");
        }

        if (latest.Count >= MaxValidators)
        {
            return Unsafe($"the set already has the most validators allowed, {MaxValidators}");
        }

        return NewKeyProblem(state, latest, added.PublicKey.Span)
            ?? (latest.Any(v => v.Name == added.Name) ? Unsafe($"a validator is already named '{added.Name}'")
            // Every node keys the endpoints it dials by this identity: a second spelling of a member's endpoint would
            // make every node expect the newcomer's key there and cut that member off.
            : added.Endpoint != GenesisValidator.EndpointIdentity(added.Endpoint)
                ? Unsafe($"the endpoint must be written as {GenesisValidator.EndpointIdentity(added.Endpoint)} (scheme, host and port in lower case, nothing after)")
            : latest.Any(v => GenesisValidator.EndpointIdentity(v.Endpoint) == added.Endpoint)
                ? Unsafe($"a validator already has the endpoint {added.Endpoint}")
            : !added.TrusteeKey.IsEmpty && latest.Any(v => v.TrusteeKey == added.TrusteeKey) ? Unsafe("a validator already has that trustee key")
            : null);
    }

    private static Rejection? RemoveProblem(IStateReader state, RuleContext chain, IReadOnlyList<ValidatorInfo> latest, RemoveValidators remove)
    {
        var keys = remove.PublicKeys;
        var faulty = (latest.Count - 1) / 3;
        if (keys.Count == 0 || keys.Distinct().Count() != keys.Count)
        {
            return new Rejection(RejectCode.Malformed, "A removal names one or more distinct validator keys.");
        }

        if (keys.FirstOrDefault(k => !latest.Any(v => v.PublicKey == k)) is { } stranger)
        {
            return Unsafe($"key {CommonChecks.Short(stranger.Span)} is not a validator's");
        }

        if (keys.Count > faulty)
        {
            return Unsafe($"a change may remove at most f = {faulty} of {latest.Count} validators at once, not {keys.Count}");
        }

        if (latest.Count - keys.Count < MinValidators)
        {
            return Unsafe($"removing {keys.Count} of {latest.Count} validators would leave fewer than {MinValidators}");
        }

        return remove.Evidence is null ? null : EvidenceProblem(state, chain, remove);
    }

    private static Rejection? RotateProblem(IStateReader state, IReadOnlyList<ValidatorInfo> latest, RotateValidator rotate) =>
        !latest.Any(v => v.PublicKey == rotate.OldKey)
            ? Unsafe($"key {CommonChecks.Short(rotate.OldKey.Span)} is not a validator's")
            : CommonChecks.WellFormedKey(rotate.NewKey.Span, "new validator key") ?? NewKeyProblem(state, latest, rotate.NewKey.Span);

    /// <summary>A key entering the set: never a validator's before, so a retired (perhaps stolen) key cannot come back.</summary>
    private static Rejection? NewKeyProblem(IStateReader state, IReadOnlyList<ValidatorInfo> latest, ReadOnlySpan<byte> key)
    {
        foreach (var validator in latest)
        {
            if (validator.PublicKey.Span.SequenceEqual(key))
            {
                return Unsafe($"key {CommonChecks.Short(key)} is already a validator's");
            }
        }

        return GovernanceState.IsRetired(state, key)
            ? Unsafe($"key {CommonChecks.Short(key)} served as a validator before and retired; it can never return")
            : null;
    }

    private static Rejection? AuthorityProblem(IStateReader state, RuleContext chain, Google.Protobuf.ByteString key, bool adding)
    {
        if (CommonChecks.WellFormedKey(key.Span, "authority key") is { } bad)
        {
            return bad;
        }

        var now = GovernanceState.IsAuthority(state, chain, key.Span, ulong.MaxValue);
        return adding && now ? Unsafe($"key {CommonChecks.Short(key.Span)} is already an election authority")
            : !adding && !now ? Unsafe($"key {CommonChecks.Short(key.Span)} is not an election authority")
            // Without an authority no election could ever be created again, and only governance could add one back.
            : !adding && GovernanceState.AuthorityCount(state, chain) <= 1 ? Unsafe("the last election authority cannot be removed")
            : null;
    }

    /// <summary>
    /// Evidence backing a single removal: two conflicting consensus messages, each signed by the removed key where it
    /// was the validator at that index at that height.
    /// </summary>
    private static Rejection? EvidenceProblem(IStateReader state, RuleContext chain, RemoveValidators remove)
    {
        var evidence = remove.Evidence;
        if (remove.PublicKeys.Count != 1 || evidence.First is null || evidence.Second is null
            || MessageChecks.Envelope(evidence.First) is not { } envelope)
        {
            return new Rejection(RejectCode.Malformed, "Evidence backs the removal of one validator and holds two consensus messages.");
        }

        var validators = GovernanceState.ValidatorsAt(state, chain, envelope.Height);
        if (validators.Count == 0)
        {
            return Unsafe("the evidence names a height with no validators");
        }

        var set = GovernanceState.SetOf(validators);
        var checks = new MessageChecks(chain.ChainId, set, BlockLimits.From(chain.GenesisParams));
        var described = EvidenceRecords.Describe(evidence, set, 0);
        return described is null || checks.SignatureProblem(evidence.First) is not null || checks.SignatureProblem(evidence.Second) is not null
            ? new Rejection(RejectCode.BadProof, "The evidence is not two conflicting consensus messages, each validly signed by one validator.")
            : described.ValidatorPublicKey != remove.PublicKeys[0]
            ? new Rejection(RejectCode.BadProof, "The evidence is against another validator than the one to remove.")
            : null;
    }

    private static Rejection Unsafe(string why) => new(RejectCode.UnsafeChange, $"The change is refused: {why}.");
}
