using Grpc.Core;
using VoteChain.Networking.Limits;

namespace VoteChain.Networking.Peers;

/// <remarks>This file: the rate at which one address may open gossip streams.</remarks>
public sealed partial class PeerServiceImpl
{
    /// <summary>
    /// Gossip streams one address may open a second (a token bucket per address, counted in streams); null admits all.
    /// Each stream costs a fresh challenge and, once a Hello comes, an Ed25519 verification, so without it anyone could
    /// open and reset streams as fast as the network allows and use the node as a signature-check oracle (finding 3 of
    /// the issue 9 review). Honest peers open a stream and keep it; they reconnect with a backoff.
    /// </summary>
    public SubmitRateLimiter? HandshakeRate { get; init; }

    /// <summary>Takes one stream from the caller's bucket before anything is sent, or refuses the call.</summary>
    /// <exception cref="RpcException">ResourceExhausted when the address opened more streams than its rate allows.</exception>
    private void AdmitHandshake(System.Net.IPAddress? address)
    {
        if (HandshakeRate is { } rate && !rate.TryTake(address, 1))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Too many gossip streams opened from {ClientAddress.Key(address)}: this node takes {rate.RatePerSecond} a second " +
                $"from one address (bursts of up to {rate.Burst}); retry later."));
        }
    }
}
