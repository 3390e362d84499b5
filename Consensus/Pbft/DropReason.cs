namespace VoteChain.Consensus.Pbft;

/// <summary>Why a message was ignored. Counted, never fatal: a dropped message changes no state.</summary>
public enum DropReason
{
    Malformed,
    NotValidator,
    BadSignature,
    OldHeight,
    FutureHeight,
    FarFutureView,
    OldView,
    NotPrimary,
    InvalidProposal,

    /// <summary>The transactions do not match the header (count, tx root) or break the size limits.</summary>
    InvalidBody,

    /// <summary>A proposal for a view older than the engine keeps.</summary>
    StaleProposal,

    /// <summary>A block from sync that does not continue the chain, or whose certificate, body or content fails.</summary>
    InvalidFetchedBlock,
    InvalidCertificate,
    InvalidNewView,
    Duplicate,
    Equivocation,
    Unexpected,
}
