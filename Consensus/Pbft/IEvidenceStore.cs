using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// Where a node keeps equivocation evidence, declared by the core and implemented by Storage. The store decides
/// what it keeps (each piece once, within its bounds); what it keeps survives restarts.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>Records stored.</summary>
    long EvidenceCount { get; }

    /// <summary>
    /// Stores the record durably unless it is already stored or a bound says no; assigns its id and sequence.
    /// </summary>
    EvidenceWriteOutcome WriteEvidence(EvidenceRecord record);

    /// <summary>
    /// The most recently stored records, newest first, at most <paramref name="limit"/> and, after the first, no
    /// more than <paramref name="maxBytes"/> of serialized records (a pair of proposals carries two blocks).
    /// </summary>
    IReadOnlyList<EvidenceRecord> NewestEvidence(int limit, long maxBytes = long.MaxValue);
}
