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
    InvalidCertificate,
    InvalidNewView,
    Duplicate,
    Equivocation,
    Unexpected,
}
