using VoteChain.Protos.V1;

namespace VoteChain.Networking.Limits;

/// <summary>
/// How large one gRPC request message may be, per method, and how long a request stream may stay silent or crawl.
/// grpc-dotnet bounds messages per service only; <see cref="GuardedRequestBody"/> enforces these per method from each
/// message's 5-byte length prefix, before the payload is buffered.
/// </summary>
public sealed class RequestBounds
{
    /// <summary>Room around an envelope in a SubmitTransactionRequest: a field tag and a length varint.</summary>
    public const int EnvelopeFraming = 64;

    /// <summary>
    /// The first message of a gossip stream is the handshake, sent before the peer is known: it never needs more than
    /// this, so an unauthenticated stream cannot make the node buffer a block-sized message.
    /// </summary>
    public const int HandshakeMessageBytes = 64 * 1024;

    private readonly Dictionary<string, MethodBound> _methods;

    private RequestBounds(Dictionary<string, MethodBound> methods, int defaultBytes, StreamTimeouts timeouts)
    {
        _methods = methods;
        DefaultBytes = defaultBytes;
        Timeouts = timeouts;
    }

    /// <summary>The bound of any method not named (health checks, reflection, reads).</summary>
    public int DefaultBytes { get; }

    /// <summary>
    /// The largest body of a plain HTTP request (the JSON API): a submitted transaction in base64 (4/3 of its bytes)
    /// with the JSON around it. Set per request by <see cref="RequestGuard"/>, before the body is read.
    /// </summary>
    public int JsonBodyBytes { get; private init; }

    public StreamTimeouts Timeouts { get; }

    /// <summary>Requests closed so far for silence or a crawling message (for tests and, later, metrics).</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);

    private long _timedOut;

    internal void CountTimeout() => Interlocked.Increment(ref _timedOut);

    /// <param name="maxTxBytes">The mempool's largest envelope: one submitted transaction is at most this plus framing.</param>
    /// <param name="maxBatchBytes">A SubmitBatch request: many envelopes in one message.</param>
    /// <param name="maxQueryBytes">Every other request (reads carry an id or two).</param>
    /// <param name="maxGossipBytes">A validator's peer message: bounded by the consensus parameters (PeerServiceImpl.MaxMessageBytes).
    /// Any other peer has only transactions to gossip, so its messages are bounded like a submitted transaction or a
    /// gossip batch (<see cref="GossipBatchLimits.MaxBytes"/>), whichever is larger.</param>
    public static RequestBounds ForNode(int maxTxBytes, int maxBatchBytes, int maxQueryBytes, int maxGossipBytes, StreamTimeouts timeouts)
    {
        var api = VoteChainApi.Descriptor.FullName;
        var peer = PeerService.Descriptor.FullName;
        var submit = new MethodBound(maxTxBytes + EnvelopeFraming, maxTxBytes + EnvelopeFraming);
        var strangerGossip = Math.Max(submit.MessageBytes, GossipBatchLimits.MaxBytes + EnvelopeFraming);
        var methods = new Dictionary<string, MethodBound>(StringComparer.Ordinal)
        {
            [$"/{api}/SubmitTransaction"] = submit,
            [$"/{api}/SubmitStream"] = submit,
            [$"/{api}/SubmitBatch"] = new(maxBatchBytes, maxBatchBytes),
            [$"/{peer}/Gossip"] = new(Math.Min(HandshakeMessageBytes, maxGossipBytes), Math.Min(strangerGossip, maxGossipBytes))
            {
                ProvenMessageBytes = maxGossipBytes,
            },
        };
        return new RequestBounds(methods, maxQueryBytes, timeouts)
        {
            JsonBodyBytes = (int)Math.Min(int.MaxValue, (4L * (maxTxBytes + EnvelopeFraming) / 3) + 4096),
        };
    }

    /// <summary>The bound for a request path ("/package.Service/Method").</summary>
    public MethodBound For(string path) =>
        _methods.TryGetValue(path, out var bound) ? bound : new MethodBound(DefaultBytes, DefaultBytes);
}

/// <summary>Largest first message of a call, and largest of every later one.</summary>
public sealed record MethodBound(int FirstMessageBytes, int MessageBytes)
{
    /// <summary>Largest later message once the service has proven the caller (<see cref="IProvenCallerFeature"/>).</summary>
    public int? ProvenMessageBytes { get; init; }
}

/// <summary>
/// A request stream that sends nothing for <paramref name="Idle"/> is closed; a message that has begun must then
/// arrive at <paramref name="MinBytesPerSecond"/> or better, after <paramref name="Grace"/>.
/// </summary>
public sealed record StreamTimeouts(TimeSpan Idle, int MinBytesPerSecond, TimeSpan Grace)
{
    /// <summary>How long a message of <paramref name="length"/> bytes may take, once its header has arrived.</summary>
    public TimeSpan MessageTime(uint length) => Grace + TimeSpan.FromSeconds((double)length / MinBytesPerSecond);
}
