using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Verify;

/// <summary>
/// A test-only public API on 127.0.0.1 that lies about receipts: asked for any transaction, it answers with the
/// genuine receipt of another one, fetched from a real node (every check of that receipt passes on its own).
/// </summary>
internal sealed class LyingReceiptNode : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly GrpcChannel _channel;

    private LyingReceiptNode(WebApplication server, GrpcChannel channel, string url)
    {
        _server = server;
        _channel = channel;
        Url = url;
    }

    public string Url { get; }

    public static async Task<LyingReceiptNode> StartAsync(string honestUrl, byte[] substituteTxId)
    {
        var channel = GrpcChannel.ForAddress(honestUrl);
        var honest = new VoteChainApi.VoteChainApiClient(channel);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new Liar(honest, substituteTxId));
        var server = builder.Build();
        server.MapGrpcService<Liar>();
        await server.StartAsync().ConfigureAwait(false);
        var port = new Uri(server.Urls.First()).Port;
        return new LyingReceiptNode(server, channel, $"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        _channel.Dispose();
    }

    private sealed class Liar(VoteChainApi.VoteChainApiClient honest, byte[] substituteTxId) : VoteChainApi.VoteChainApiBase
    {
        public override Task<Receipt> GetReceipt(GetReceiptRequest request, ServerCallContext context) =>
            honest.GetReceiptAsync(new GetReceiptRequest { TxId = Google.Protobuf.ByteString.CopyFrom(substituteTxId) }).ResponseAsync;
    }
}
