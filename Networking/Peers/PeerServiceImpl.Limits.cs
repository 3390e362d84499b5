using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using VoteChain.Networking.Limits;

namespace VoteChain.Networking.Peers;

/// <remarks>This file: the rates at which peers may gossip transactions, the size of what they may send, and how
/// many large answers are sent at once.</remarks>
public sealed partial class PeerServiceImpl
{
    /// <summary>
    /// Transactions per second that one address may gossip in when its Hello is not a validator's (anyone can sign a
    /// Hello, so without it gossip would bypass the API's submit rate); null admits all. A transaction over the rate is
    /// dropped: gossip has no one to answer.
    /// </summary>
    public SubmitRateLimiter? TransactionRate { get; init; }

    /// <summary>
    /// Transactions per second that one validator may gossip in (by the key its Hello proved); null admits all.
    /// Generous, since validators relay everyone's transactions, but not unlimited: every gossiped transaction costs
    /// a signature check, and a Byzantine validator could otherwise send them as fast as the link allows.
    /// </summary>
    public ValidatorTransactionRate? ValidatorRate { get; init; }

    // The slot is asked now, not taken from the handshake: a removed validator's open stream gossips at a stranger's rate.
    private bool AdmitsTransaction(PeerIdentity peer, IPAddress? address) =>
        _validators.SlotOf(peer.PublicKey) is { } validator
            ? ValidatorRate?.TryTake(validator) != false
            : TransactionRate?.TryTake(address, 1) != false;

    /// <summary>Bounds how many GetBlocks answers (with the API's ListEvidence) are sent at once; null bounds none.</summary>
    public LargeAnswerSlots? LargeAnswers { get; init; }

    /// <summary>
    /// A proven validator may send consensus messages up to the gossip bound; everyone else keeps the request guard's
    /// transaction-sized bound, so a stranger's multi-MiB message is refused unread rather than parsed and dropped.
    /// </summary>
    private static void LiftMessageBound(PeerIdentity peer, ServerCallContext context)
    {
        if (peer.IsValidator)
        {
            context.GetHttpContext().Features.Get<IProvenCallerFeature>()?.CallerProven();
        }
    }
}
