using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using VoteChain.Networking.Limits;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// One outbound peer: a gossip stream kept open with reconnects and backoff, fed from a <see cref="PeerOutbox"/> (a slow
/// or absent peer loses its oldest messages rather than growing memory; consensus messages go first), plus calls for
/// heads and blocks. Every stream opens with the challenge-response handshake over this connection's TLS binding
/// (<see cref="ClientHandshake"/>), on a channel of its own that binds one server certificate (<see cref="PeerTls"/>);
/// heads and blocks, which bind nothing, share a channel that takes whatever certificate the peer shows.
/// </summary>
internal sealed partial class PeerConnection : IAsyncDisposable
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(3);

    /// <summary>Sent when the stream has been silent for a while: an empty message, which peers read and ignore.</summary>
    private static readonly PeerMessage Heartbeat = new();

    private readonly PeerOutbox _outbox;
    private readonly PeerLimits _limits;
    private readonly GrpcChannel _channel;
    private readonly PeerService.PeerServiceClient _client;
    private readonly PeerDialing _dialing;
    private readonly Uri _uri;
    private readonly ILogger _logger;
    private CancellationTokenSource? _stream;

    public PeerConnection(string url, PeerDialing dialing, PeerLimits limits, ILogger logger)
    {
        Url = url;
        _uri = new Uri(url);
        _dialing = dialing;
        _logger = logger;
        _limits = limits;
        _outbox = new PeerOutbox(limits.ConsensusQueueBytes, limits.TransactionQueueBytes);
        _channel = CreateChannel(PeerTls.SecureUnbound(limits.CreateHandler(), dialing.Certificate));
        _client = new PeerService.PeerServiceClient(_channel);
    }

    private GrpcChannel CreateChannel(SocketsHttpHandler handler) => UncompressedChannel.ForAddress(Url, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = _limits.MaxResponseBytes,
        HttpHandler = handler,
        DisposeHttpClient = true,
    });

    public string Url { get; }

    /// <summary>A genesis validator's endpoint: the handshake makes the node behind it prove that validator's key.</summary>
    public bool IsValidator => _dialing.ExpectedKey(Url) is not null;

    public bool Connected { get; private set; }

    /// <summary>The key the peer proved in the last handshake (empty before the first).</summary>
    public byte[] ProvenKey { get; private set; } = [];

    public Head? LastHead { get; private set; }

    /// <summary>Until when sync leaves this peer alone: it served a bad block or could not serve what it claimed.</summary>
    public DateTimeOffset DemotedUntil { get; private set; }

    /// <summary>How often this peer was demoted; each time the pause doubles, up to <see cref="MaxDemotion"/>.</summary>
    public int Demotions { get; private set; }

    private static readonly TimeSpan MaxDemotion = TimeSpan.FromMinutes(5);

    public void Credit() => Demotions = 0;

    public void Demote(DateTimeOffset now)
    {
        Demotions++;
        var pause = TimeSpan.FromSeconds(Math.Min(MaxDemotion.TotalSeconds, Math.Pow(2, Math.Min(Demotions, 16))));
        DemotedUntil = now + pause;
    }

    /// <summary>Ends the current gossip stream; the loop opens a new one at once (see <see cref="PeerNetwork.Reconnect"/>).</summary>
    public void Restart()
    {
        try
        {
            _stream?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That stream ended on its own; the next one has a new handshake anyway.
        }
    }

    public void Enqueue(PeerMessage message, int size) => _outbox.Enqueue(message, size);

    /// <summary>Messages dropped because this peer's queue was full.</summary>
    public long Dropped => _outbox.Dropped;

    /// <summary>Keeps the gossip stream up until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        var backoff = MinBackoff;
        while (!cancellation.IsCancellationRequested)
        {
            using var stream = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            _stream = stream;
            try
            {
                // A fresh channel per stream: its one certificate is this stream's, and a rotated one is taken next time.
                var tls = new PeerTls(_dialing.Certificate);
                using var channel = CreateChannel(tls.Secure(_limits.CreateHandler()));
                using var call = new PeerService.PeerServiceClient(channel).Gossip(cancellationToken: stream.Token);
                ProvenKey = await ClientHandshake.RunAsync(call, _dialing.Self, () => tls.Binding(_uri),
                    key => _dialing.AnnouncedKeyProblem(Url, key), stream.Token).ConfigureAwait(false);
                Connected = true;
                backoff = MinBackoff;
                LogConnected(Url);

                // The peer sends nothing after the handshake; it ends the call when it stops or drops this stream. Watching
                // for that notices it at once, not at the next write, and lets the call go: a call left open here held
                // the peer's shutdown (its server waits for open streams) until its grace period ran out.
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(stream.Token);
                var watch = EndOfCallAsync(call, ended);
                try
                {
                    while (true)
                    {
                        while (_outbox.TryTake(out var message))
                        {
                            await call.RequestStream.WriteAsync(message, ended.Token).ConfigureAwait(false);
                        }

                        // The peer closes streams that stay silent for its idle time; an empty message keeps this one open.
                        if (!await _outbox.WaitAsync(_limits.Heartbeat, ended.Token).ConfigureAwait(false))
                        {
                            await call.RequestStream.WriteAsync(Heartbeat, ended.Token).ConfigureAwait(false);
                        }
                    }
                }
                catch (OperationCanceledException) when (ended.IsCancellationRequested && !stream.IsCancellationRequested)
                {
                    throw new IOException("the peer ended the gossip stream");
                }
                finally
                {
                    await ended.CancelAsync().ConfigureAwait(false);
                    await watch.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (stream.IsCancellationRequested && e is OperationCanceledException or RpcException)
            {
                // Restart: a new stream at once, with a new handshake.
                Connected = false;
                continue;
            }
            catch (PeerHandshakeException e)
            {
                LogHandshakeFailed(Url, e.Message);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                LogHandshakeFailed(Url, $"it refused our Hello: {e.Status.Detail}");
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException)
            {
                if (Connected)
                {
                    LogLost(Url, e.Message);
                }
            }

            Connected = false;
            try
            {
                await Task.Delay(backoff, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }

        Connected = false;
    }

    /// <summary>Waits for the peer to end the call (or for <paramref name="ended"/>), then cancels <paramref name="ended"/>.</summary>
    private static async Task EndOfCallAsync(AsyncDuplexStreamingCall<PeerMessage, GossipReply> call, CancellationTokenSource ended)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(ended.Token).ConfigureAwait(false))
            {
                // Nothing is expected after the handshake; whatever comes is not acted on.
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException)
        {
            // Ended either way.
        }

        try
        {
            await ended.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The stream was already let go.
        }
    }

    public async Task<Head?> HeadAsync(CancellationToken cancellation)
    {
        try
        {
            LastHead = await _client.GetHeadAsync(new GetHeadRequest(), deadline: Deadline(2), cancellationToken: cancellation).ConfigureAwait(false);
            return LastHead;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>
    /// Blocks from <paramref name="from"/> on; empty when the peer failed to serve them, null when it said it is busy
    /// (all its large-answer slots taken, perhaps by an attacker holding them): that is no fault of the peer's.
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> ended the call.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>?> BlocksAsync(ulong from, CancellationToken cancellation)
    {
        try
        {
            var response = await _client.GetBlocksAsync(new GetBlocksRequest { FromHeight = from }, deadline: Deadline(10),
                cancellationToken: cancellation).ConfigureAwait(false);
            return response.Blocks.Select(b => b.ToByteArray()).ToList();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && e.Trailers.Get(SubmitRateLimiter.RetryAfterTrailer) is not null)
        {
            return null;
        }
        catch (RpcException) when (cancellation.IsCancellationRequested)
        {
            // The asker gave up (sync dropped a batch it fetched ahead, or the node stops): no fault of the peer's, so not
            // "served nothing", which would demote it (the gRPC client reports a cancelled call as an RpcException).
            throw new OperationCanceledException(cancellation);
        }
        catch (RpcException)
        {
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static DateTime Deadline(int seconds) => DateTime.UtcNow.AddSeconds(seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to peer {Url}")]
    private partial void LogConnected(string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handshake with peer {Url} failed: {Reason}")]
    private partial void LogHandshakeFailed(string url, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lost peer {Url}: {Reason}")]
    private partial void LogLost(string url, string reason);
}
