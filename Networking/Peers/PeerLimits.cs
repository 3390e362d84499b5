using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Bounds on what the node holds and accepts for each outbound peer: the two lanes of its queue, in bytes; how long
/// its gossip stream may stay silent before a heartbeat keeps it open (a peer closes silent streams); the largest
/// answer it takes from the peer (a GetBlocks batch); and HTTP/2 pings that find a vanished peer (a gossip write to it
/// would otherwise wait on flow control until TCP gives up, many minutes later).
/// </summary>
public sealed record PeerLimits(long ConsensusQueueBytes, long TransactionQueueBytes, TimeSpan Heartbeat, int MaxResponseBytes)
{
    public TimeSpan KeepAlivePing { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The HTTP handler of a peer's channel, as gRPC's own would be set up, plus pings while calls are open.</summary>
    internal SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = KeepAlivePing,
        KeepAlivePingTimeout = KeepAliveTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
    };

    /// <summary>Room in a GetBlocks answer beyond its blocks: message framing and each block's certificate.</summary>
    private const int ResponseSlack = 256 * 1024;

    /// <summary>The defaults of config/README.md, for a chain of the given parameters.</summary>
    public static PeerLimits Default(ConsensusParams parameters) =>
        new(32L << 20, 16L << 20, TimeSpan.FromSeconds(20), MaxBlocksResponseBytes(parameters));

    /// <summary>
    /// A GetBlocks answer holds at most <see cref="PeerServiceImpl.MaxResponseBytes"/> of blocks, or one block when a
    /// single block is larger; more than that is a lie and is refused while it is read, not after it was buffered.
    /// </summary>
    public static int MaxBlocksResponseBytes(ConsensusParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return (int)Math.Min(int.MaxValue, (long)PeerServiceImpl.MaxResponseBytes + parameters.MaxBlockBytes + ResponseSlack);
    }
}
