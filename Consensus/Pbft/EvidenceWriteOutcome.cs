namespace VoteChain.Consensus.Pbft;

/// <summary>What became of one piece of evidence offered to an <see cref="IEvidenceStore"/>.</summary>
public enum EvidenceWriteOutcome
{
    /// <summary>Written and on disk.</summary>
    Stored,

    /// <summary>The same pair (in either order) is already stored.</summary>
    Duplicate,

    /// <summary>Evidence against this validator at this height is already stored; one record proves the fault.</summary>
    HeightRecorded,

    /// <summary>The validator has reached its share of the store; older evidence against it is kept.</summary>
    ValidatorFull,

    /// <summary>The store has reached its bound in records or bytes; what it holds is kept.</summary>
    StoreFull,
}
