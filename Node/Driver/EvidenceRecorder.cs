using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Driver;

/// <summary>
/// Keeps the engine's equivocation evidence: the facts come from the messages, the recording time from the node's
/// clock (the engine has none), the validator's name from the set in force at its height; the store decides whether it is new and within
/// its bounds.
/// </summary>
internal sealed class EvidenceRecorder
{
    private readonly IEvidenceStore _store;
    private readonly ChainContext _chain;
    private readonly TimeProvider _clock;

    private readonly ValidatorSchedule _schedule;
    private readonly IStateReader _state;

    /// <param name="schedule">The node's validator sets by height: a pair is judged, and its validator named, by the set
    /// in force at its height.</param>
    /// <param name="state">Committed state, for the names of validators governance added.</param>
    public EvidenceRecorder(IEvidenceStore store, ChainContext chain, TimeProvider clock, ValidatorSchedule schedule, IStateReader state)
    {
        _store = store;
        _chain = chain;
        _clock = clock;
        _schedule = schedule;
        _state = state;
    }

    /// <summary>Records stored, across restarts.</summary>
    public long Count => _store.EvidenceCount;

    /// <summary>What the store made of it; null when the pair is not evidence (the engine should never report one).</summary>
    public EvidenceWriteOutcome? Record(Evidence evidence)
    {
        var record = EvidenceRecords.Describe(evidence, _schedule, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        if (record is null)
        {
            return null;
        }

        var validators = GovernanceState.ValidatorsAt(_state, _chain.Rules, record.Height);
        record.ValidatorName = record.ValidatorIndex < validators.Count ? validators[(int)record.ValidatorIndex].Name : "";
        return _store.WriteEvidence(record);
    }
}
