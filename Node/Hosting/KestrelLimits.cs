using Microsoft.AspNetCore.Server.Kestrel.Core;
using VoteChain.Networking.Limits;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Hosting;

/// <summary>
/// The node's connection-level defences, from the <c>limits</c> config section: how many connections in all and per
/// client address, streams per connection, HTTP/2 flow-control windows (bytes in flight), keepalive pings and the
/// minimum request data rate. Message sizes and stream timeouts per method are <see cref="RequestBounds"/>.
/// </summary>
internal static class KestrelLimits
{
    /// <summary>
    /// Applies the limits to Kestrel. The per-address count is each endpoint's own (<see cref="TlsEndpoint"/>): browsers
    /// holding the web port's connections must not lock peers and API clients at the same address out of the other.
    /// </summary>
    public static void Apply(KestrelServerOptions kestrel, LimitSettings limits)
    {
        kestrel.Limits.MaxConcurrentConnections = limits.MaxConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConnections;
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinDataRateBytesPerSecond, limits.DataRateGrace);
        var http2 = kestrel.Limits.Http2;
        http2.MaxStreamsPerConnection = limits.MaxStreamsPerConnection;
        http2.InitialStreamWindowSize = limits.StreamWindowBytes;
        http2.InitialConnectionWindowSize = limits.ConnectionWindowBytes;
        http2.KeepAlivePingDelay = TimeSpan.FromSeconds(limits.KeepAlivePingSeconds);
        http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
    }

    /// <summary>The per-method message bounds: transactions by the mempool's limit, gossip by the consensus parameters.</summary>
    /// <param name="gossipMessageBytes">The largest gossip message (<see cref="PeerServiceImpl.MaxMessageBytes"/>).</param>
    public static RequestBounds Bounds(NodeOptions options, int gossipMessageBytes)
    {
        var limits = options.Limits;
        return RequestBounds.ForNode(options.Mempool.MaxTxBytes, limits.MaxBatchRequestBytes, limits.MaxQueryRequestBytes,
            gossipMessageBytes,
            new StreamTimeouts(limits.StreamIdle, limits.MinDataRateBytesPerSecond, limits.DataRateGrace));
    }

    /// <summary>
    /// Per outbound peer: the queue's lanes, pings as the server sends them, and a heartbeat at a third of the idle time, so a quiet chain's gossip
    /// streams stay open at peers that use the same limits.
    /// </summary>
    public static PeerLimits Peers(LimitSettings limits, ConsensusParams parameters) =>
        new(limits.PeerConsensusQueueBytes, limits.PeerTransactionQueueBytes, limits.StreamIdle / 3,
            PeerLimits.MaxBlocksResponseBytes(parameters))
        {
            KeepAlivePing = TimeSpan.FromSeconds(limits.KeepAlivePingSeconds),
            KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds),
        };

    /// <summary>
    /// grpc-dotnet's own (per service) bound on the API, a backstop behind the request guard: the largest message any
    /// API method takes. It is compared with a message's compressed length, which is why compressed messages are refused.
    /// </summary>
    public static int ApiServiceMessageBytes(NodeOptions options) =>
        Math.Max(options.Limits.MaxBatchRequestBytes, options.Mempool.MaxTxBytes + RequestBounds.EnvelopeFraming);
}
