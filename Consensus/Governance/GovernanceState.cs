using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Governance;

/// <summary>
/// The one place that answers who is in force at a height: validators, authorities, parameters, from the governance
/// records over genesis. Changes apply one at a time (<see cref="GovernanceHead.LastActivation"/> is the activation of the
/// last approved one), so the set in force at a height is the newest record or, while that one waits for its activation,
/// the one before it.
/// </summary>
public static class GovernanceState
{
    public static GovernanceHead Head(IStateReader state) => state.GetGovernance(GovernanceKeys.Head)?.Head ?? new GovernanceHead();

    /// <summary>Height at which the scheduled change takes effect, or null when none waits after <paramref name="height"/>.</summary>
    public static ulong? PendingActivation(IStateReader state, ulong height) =>
        Head(state).LastActivation is var activation && activation > height ? activation : null;

    /// <summary>The validators that certify the block at <paramref name="height"/>, in index order.</summary>
    public static IReadOnlyList<ValidatorInfo> ValidatorsAt(IStateReader state, RuleContext chain, ulong height)
    {
        for (var number = Head(state).ValidatorSets; number >= 1; number--)
        {
            var record = ValidatorSet(state, number);
            if (record.ActivationHeight <= height)
            {
                return record.Validators;
            }
        }

        return chain.GenesisValidators;
    }

    /// <summary>The latest set (in force or waiting for its activation), and its number (0: genesis's).</summary>
    public static (IReadOnlyList<ValidatorInfo> Validators, ulong Number) LatestValidators(IStateReader state, RuleContext chain)
    {
        var number = Head(state).ValidatorSets;
        return number == 0 ? (chain.GenesisValidators, 0) : (ValidatorSet(state, number).Validators, number);
    }

    public static ValidatorSetRecord ValidatorSet(IStateReader state, ulong number) =>
        state.GetGovernance(GovernanceKeys.ValidatorSet(number))?.ValidatorSet
        ?? throw new InvalidOperationException($"Validator set {number} is counted in the governance head but missing.");

    /// <summary>
    /// Every set from the records: genesis's, then each approved one from its activation height (the one still waiting
    /// for its activation included), as an engine starting on this state needs it.
    /// </summary>
    public static Pbft.ValidatorSchedule Schedule(IStateReader state, RuleContext chain, Pbft.ValidatorSet genesis)
    {
        var schedule = new Pbft.ValidatorSchedule(genesis);
        for (var number = 1UL; number <= Head(state).ValidatorSets; number++)
        {
            schedule.Add(ChangeOf(ValidatorSet(state, number)));
        }

        return schedule;
    }

    /// <summary>What a header announces of a set record: its activation height and its keys in index order.</summary>
    public static ValidatorChange ChangeOf(ValidatorSetRecord record)
    {
        var change = new ValidatorChange { ActivationHeight = record.ActivationHeight };
        change.PublicKeys.AddRange(record.Validators.Select(v => v.PublicKey));
        return change;
    }

    /// <summary>The quorum arithmetic of a list of validators.</summary>
    public static Pbft.ValidatorSet SetOf(IEnumerable<ValidatorInfo> validators) => new(validators.Select(v => v.PublicKey.ToByteArray()));

    /// <summary>Whether the key may act as an election authority in a block at <paramref name="height"/>.</summary>
    public static bool IsAuthority(IStateReader state, RuleContext chain, ReadOnlySpan<byte> publicKey, ulong height)
    {
        var record = state.GetGovernance(GovernanceKeys.Authority(publicKey))?.Authority;
        if (record is null)
        {
            return chain.IsGenesisAuthority(publicKey);
        }

        // An add or a remove flips the key's standing at its activation; before it, the standing is the opposite.
        return record.ActivationHeight <= height ? record.Active : !record.Active;
    }

    /// <summary>The consensus parameters in force at <paramref name="height"/>.</summary>
    public static ConsensusParams ParamsAt(IStateReader state, RuleContext chain, ulong height)
    {
        for (var number = Head(state).ParamsChanges; number >= 1; number--)
        {
            var record = state.GetGovernance(GovernanceKeys.Params(number))?.Params
                ?? throw new InvalidOperationException($"Parameter change {number} is counted in the governance head but missing.");
            if (record.ActivationHeight <= height)
            {
                return record.Params;
            }
        }

        return chain.GenesisParams;
    }

    /// <summary>True when the key served in a validator set and left it: it can never be a validator again.</summary>
    /// <summary>Election authorities once every approved authority change is in force (genesis's count before any).</summary>
    public static ulong AuthorityCount(IStateReader state, RuleContext chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return Head(state).Authorities is var counted && counted > 0 ? counted : (ulong)chain.GenesisAuthorityCount;
    }

    public static bool IsRetired(IStateReader state, ReadOnlySpan<byte> publicKey) =>
        state.GetGovernance(GovernanceKeys.Retired(publicKey)) is not null;

    public static ProposalRecord? Proposal(IStateReader state, ReadOnlySpan<byte> proposalId) =>
        state.GetGovernance(GovernanceKeys.Proposal(proposalId))?.Proposal;
}
