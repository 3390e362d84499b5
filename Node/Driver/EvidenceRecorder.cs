using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Driver;

/// <summary>
/// Keeps the engine's equivocation evidence: the facts come from the messages, the recording time from the node's
/// clock (the engine has none), the validator's name from genesis; the store decides whether it is new and within
/// its bounds.
/// </summary>
internal sealed class EvidenceRecorder
{
    private readonly IEvidenceStore _store;
    private readonly ChainContext _chain;
    private readonly TimeProvider _clock;

    public EvidenceRecorder(IEvidenceStore store, ChainContext chain, TimeProvider clock)
    {
        _store = store;
        _chain = chain;
        _clock = clock;
    }

    /// <summary>Records stored, across restarts.</summary>
    public long Count => _store.EvidenceCount;

    /// <summary>What the store made of it; null when the pair is not evidence (the engine should never report one).</summary>
    public EvidenceWriteOutcome? Record(Evidence evidence)
    {
        var record = EvidenceRecords.Describe(evidence, _chain.Validators, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        if (record is null)
        {
            return null;
        }

        record.ValidatorName = _chain.Genesis.Validators[(int)record.ValidatorIndex].Name;
        return _store.WriteEvidence(record);
    }
}
