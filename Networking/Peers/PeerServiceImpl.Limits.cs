using System.Net;
using VoteChain.Networking.Limits;

namespace VoteChain.Networking.Peers;

/// <remarks>This file: the rate at which peers that are not validators may gossip transactions.</remarks>
public sealed partial class PeerServiceImpl
{
    /// <summary>
    /// Transactions per second that one address may gossip in when its Hello is not a validator's (anyone can sign a
    /// Hello, so without it gossip would bypass the API's submit rate); null admits all. Validators relay everyone's
    /// transactions and are not limited. A transaction over the rate is dropped: gossip has no one to answer.
    /// </summary>
    public SubmitRateLimiter? TransactionRate { get; init; }

    private bool AdmitsTransaction(PeerIdentity peer, IPAddress? address) =>
        peer.IsValidator || TransactionRate?.TryTake(address, 1) != false;
}
