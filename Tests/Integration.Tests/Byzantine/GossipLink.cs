using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// One outbound gossip stream from the dishonest validator to an honest node, opened with the product's handshake like
/// any validator's, and kept open (reconnecting) until disposed. Messages wait in a bounded queue.
/// </summary>
internal sealed class GossipLink : IAsyncDisposable
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromMilliseconds(100);

    private readonly Channel<PeerMessage> _queue = Channel.CreateBounded<PeerMessage>(new BoundedChannelOptions(4096)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    private readonly GrpcChannel _channel;
    private readonly PeerService.PeerServiceClient _client;
    private readonly LocalPeer _self;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public GossipLink(string url, LocalPeer self)
    {
        _self = self;
        _channel = GrpcChannel.ForAddress(url);
        _client = new PeerService.PeerServiceClient(_channel);
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    public void Send(ConsensusMessage message) => _queue.Writer.TryWrite(new PeerMessage { Consensus = message });

    public void SendTransaction(byte[] envelope) =>
        _queue.Writer.TryWrite(new PeerMessage { Transaction = Google.Protobuf.ByteString.CopyFrom(envelope) });

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = _client.Gossip(cancellationToken: stop);
                await ClientHandshake.RunAsync(call, _self, () => ConnectionBinding.None, expectedKey: null, stop).ConfigureAwait(false);
                await foreach (var message in _queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
                {
                    await call.RequestStream.WriteAsync(message, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or PeerHandshakeException or IOException or HttpRequestException or InvalidOperationException)
            {
                // The honest node is not up yet or went away: open the stream again (its engine re-sends what matters).
            }

            try
            {
                await Task.Delay(Reconnect, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await _run.ConfigureAwait(false);
        _channel.Dispose();
        _stop.Dispose();
    }
}
