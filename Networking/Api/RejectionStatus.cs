using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using VoteChain.Consensus.Rules;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// How a rule's rejection travels as a gRPC status: a status code a generic client understands, the rule's
/// sentence as the message, and a google.rpc.ErrorInfo whose reason is the stable code name (e.g. ALREADY_VOTED),
/// so scripts branch on the reason rather than on the wording.
/// </summary>
public static class RejectionStatus
{
    /// <summary>The ErrorInfo domain of every VoteChain rejection.</summary>
    public const string Domain = "votechain.v1";

    public static StatusCode CodeFor(RejectCode code) => code switch
    {
        RejectCode.Malformed or RejectCode.TooLarge or RejectCode.BadSignature or RejectCode.WrongChain
            or RejectCode.BadPublicKey or RejectCode.BadWeight or RejectCode.InvalidElection
            or RejectCode.InvalidOption or RejectCode.EmptyBatch or RejectCode.BatchTooLarge
            or RejectCode.BadProof or RejectCode.WrongBallotKind or RejectCode.NotAnonymous
            or RejectCode.SelfDelegation => StatusCode.InvalidArgument,
        RejectCode.UnknownElection or RejectCode.NotRegistered => StatusCode.NotFound,
        RejectCode.DuplicateTransaction or RejectCode.ElectionExists or RejectCode.AlreadyRegistered
            or RejectCode.AlreadyVoted or RejectCode.AlreadyPosted or RejectCode.AlreadyServed => StatusCode.AlreadyExists,
        RejectCode.NotAuthority or RejectCode.NotTrustee or RejectCode.NotIssuer or RejectCode.RollOnly
            or RejectCode.CannotRevoke => StatusCode.PermissionDenied,
        RejectCode.ElectionNotOpen or RejectCode.ElectionClosed or RejectCode.CredentialRevoked
            or RejectCode.StaleSequence => StatusCode.FailedPrecondition,
        RejectCode.TallyOverflow or RejectCode.KeyNotReady or RejectCode.PhaseNotOpen or RejectCode.PhaseOver
            or RejectCode.KeyGenerationFailed or RejectCode.NotEnoughShares or RejectCode.NotServed => StatusCode.FailedPrecondition,
        RejectCode.DelegationNotAllowed or RejectCode.ProxyNotRegistered or RejectCode.DelegationUnchanged => StatusCode.FailedPrecondition,
        RejectCode.MempoolFull or RejectCode.RevoteTooSoon or RejectCode.DelegationTooSoon
            or RejectCode.TooManyProposals => StatusCode.ResourceExhausted,
        RejectCode.NotValidator => StatusCode.PermissionDenied,
        RejectCode.UnknownProposal => StatusCode.NotFound,
        RejectCode.AlreadyApproved => StatusCode.AlreadyExists,
        RejectCode.ProposalClosed or RejectCode.ChangePending or RejectCode.UnsafeChange => StatusCode.FailedPrecondition,
        // A code added to the schema later still reaches the client with its reason; Unknown says "not mapped yet".
        _ => StatusCode.Unknown,
    };

    public static RpcException ToRpcException(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var status = new Google.Rpc.Status
        {
            Code = (int)CodeFor(rejection.Code),
            Message = rejection.Message,
            Details = { Any.Pack(new ErrorInfo { Reason = rejection.CodeName, Domain = Domain }) },
        };
        return status.ToRpcException();
    }

    /// <summary>
    /// The stable code name (e.g. "ALREADY_VOTED") a VoteChain node put in the exception's ErrorInfo, or null when
    /// the error did not come from a rule (a transport failure, a bad request, another server).
    /// </summary>
    public static string? ReasonOf(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var info = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
        return info is not null && info.Domain == Domain && info.Reason.Length > 0 ? info.Reason : null;
    }
}
