using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Whether a refusal is final for a transaction, or only for now. Final: the bytes are bad, or state the chain never
/// undoes settles it (an election closed, a credential revoked or already voted, a transaction already in). Passing:
/// the pool is full, the credential replaced its pending vote since the last commit, or the transaction depends on
/// something that may still come (its election, its registration, the opening time, weight freed by a revocation, an
/// issuer serving one more roll entry). Gossip forgets a transaction refused for a passing reason, so a
/// peer can hand it over again later. A code not listed here (a new one) counts as passing: taking a transaction
/// once more costs a check, forgetting a good vote for good costs the vote. Who is an election authority or a validator
/// changes with governance (docs/GOVERNANCE.md), so NOT_AUTHORITY and NOT_VALIDATOR pass.
/// </summary>
public static class RejectionPermanence
{
    private static readonly HashSet<RejectCode> Final =
    [
        RejectCode.Malformed,
        RejectCode.BadSignature,
        RejectCode.WrongChain,
        RejectCode.TooLarge,
        RejectCode.DuplicateTransaction,
        RejectCode.InvalidElection,
        RejectCode.ElectionExists,
        RejectCode.ElectionClosed,
        RejectCode.BatchTooLarge,
        RejectCode.EmptyBatch,
        RejectCode.BadPublicKey,
        RejectCode.BadWeight,
        RejectCode.AlreadyRegistered,
        RejectCode.CredentialRevoked,
        RejectCode.InvalidOption,
        RejectCode.AlreadyVoted,
        RejectCode.StaleSequence,
        RejectCode.NotTrustee,
        RejectCode.PhaseOver,
        RejectCode.AlreadyPosted,
        RejectCode.BadProof,
        RejectCode.WrongBallotKind,
        RejectCode.KeyGenerationFailed,
        RejectCode.RollOnly,
        RejectCode.NotIssuer,
        RejectCode.AlreadyServed,
        RejectCode.NotAnonymous,
        RejectCode.CannotRevoke,
        RejectCode.DelegationNotAllowed,
        RejectCode.SelfDelegation,
        RejectCode.ProposalClosed,
        RejectCode.AlreadyApproved,
    ];

    public static bool IsFinal(RejectCode code) => Final.Contains(code);
}
