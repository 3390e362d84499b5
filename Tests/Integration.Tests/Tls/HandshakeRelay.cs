using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Tls;

/// <summary>
/// A middle node M that a victim A dials: for each gossip stream A opens, M opens one to the target B over plain http,
/// hands B's challenge to A (with its own key in place of B's when <c>announcedKey</c> is set), hands A's Hello to B,
/// and records what B answered. A Welcome from B means B now treats M's stream as A's: the attack worked.
/// </summary>
internal sealed class HandshakeRelay : IAsyncDisposable
{
    public const string Welcomed = "the target welcomed the relayed Hello";
    public const string NoHello = "the dialer sent no Hello";

    private readonly WebApplication _server;
    private readonly RelayService _service;

    private HandshakeRelay(WebApplication server, RelayService service)
    {
        _server = server;
        _service = service;
    }

    /// <summary>What happened on each relayed stream, in order.</summary>
    public IReadOnlyList<string> Outcomes => _service.Outcomes;

    public static async Task<HandshakeRelay> StartAsync(int port, string targetUrl, byte[]? announcedKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        var service = new RelayService(targetUrl, announcedKey);
        builder.Services.AddSingleton(service);
        var server = builder.Build();
        server.MapGrpcService<RelayService>();
        await server.StartAsync().ConfigureAwait(false);
        return new HandshakeRelay(server, service);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        _service.Dispose();
    }

    private sealed class RelayService(string targetUrl, byte[]? announcedKey) : PeerService.PeerServiceBase, IDisposable
    {
        private readonly GrpcChannel _channel = GrpcChannel.ForAddress(targetUrl);
        private readonly Lock _gate = new();
        private readonly List<string> _outcomes = [];

        public IReadOnlyList<string> Outcomes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _outcomes];
                }
            }
        }

        public override async Task Gossip(IAsyncStreamReader<PeerMessage> requestStream, IServerStreamWriter<GossipReply> responseStream,
            ServerCallContext context)
        {
            var cancellation = context.CancellationToken;
            using var upstream = new PeerService.PeerServiceClient(_channel).Gossip(cancellationToken: cancellation);
            try
            {
                if (!await upstream.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
                {
                    Record("the target sent no challenge");
                    return;
                }

                var challenge = upstream.ResponseStream.Current.Clone();
                if (announcedKey is not null)
                {
                    challenge.ServerKey = Google.Protobuf.ByteString.CopyFrom(announcedKey);
                }

                await responseStream.WriteAsync(challenge, cancellation).ConfigureAwait(false);
                if (!await NextOrFalseAsync(requestStream, cancellation).ConfigureAwait(false))
                {
                    Record(NoHello);
                    return;
                }

                await upstream.RequestStream.WriteAsync(requestStream.Current, cancellation).ConfigureAwait(false);
                var welcomed = await upstream.ResponseStream.MoveNext(cancellation).ConfigureAwait(false)
                    && upstream.ResponseStream.Current.KindCase == GossipReply.KindOneofCase.Welcome;
                Record(welcomed ? Welcomed : "the target ended the stream without a Welcome");
                if (welcomed)
                {
                    await responseStream.WriteAsync(upstream.ResponseStream.Current, cancellation).ConfigureAwait(false);
                }
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                Record($"the target refused: {e.Status.Detail}");
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
            {
                Record(NoHello);
            }
        }

        public void Dispose() => _channel.Dispose();

        private static async Task<bool> NextOrFalseAsync(IAsyncStreamReader<PeerMessage> requests, CancellationToken cancellation)
        {
            try
            {
                return await requests.MoveNext(cancellation).ConfigureAwait(false)
                    && requests.Current.KindCase == PeerMessage.KindOneofCase.Hello;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                return false;
            }
        }

        private void Record(string outcome)
        {
            lock (_gate)
            {
                _outcomes.Add(outcome);
            }
        }
    }
}
