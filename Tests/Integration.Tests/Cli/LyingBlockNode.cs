using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>How <see cref="LyingBlockNode"/> spoils the block it lies about.</summary>
public enum BlockLie
{
    /// <summary>One validator signature of the commit certificate altered: the block is genuine, its proof is not.</summary>
    ForgedCertificate,

    /// <summary>One byte of the first transaction altered: the header and certificate are genuine, the body is not.</summary>
    TamperedBody,
}

/// <summary>
/// A test-only public API on 127.0.0.1 in front of a real node: it passes status and submissions through (counting
/// submissions) and streams the node's blocks, except that every block from <c>fromHeight</c> on is spoiled by
/// <see cref="BlockLie"/>. A trustee that trusted it would act on a state the validators never certified.
/// </summary>
internal sealed class LyingBlockNode : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly GrpcChannel _channel;
    private readonly Liar _liar;

    private LyingBlockNode(WebApplication server, GrpcChannel channel, Liar liar, string url)
    {
        _server = server;
        _channel = channel;
        _liar = liar;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Submissions that reached this node (and were passed on).</summary>
    public int Submissions => _liar.Submissions;

    public static async Task<LyingBlockNode> StartAsync(string honestUrl, ulong fromHeight, BlockLie lie)
    {
        var channel = GrpcChannel.ForAddress(honestUrl);
        var liar = new Liar(new VoteChainApi.VoteChainApiClient(channel), fromHeight, lie);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(liar);
        var server = builder.Build();
        server.MapGrpcService<Liar>();
        await server.StartAsync().ConfigureAwait(false);
        var port = new Uri(server.Urls.First()).Port;
        return new LyingBlockNode(server, channel, liar, $"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        _channel.Dispose();
    }

    private sealed class Liar(VoteChainApi.VoteChainApiClient honest, ulong fromHeight, BlockLie lie) : VoteChainApi.VoteChainApiBase
    {
        private int _submissions;

        public int Submissions => Volatile.Read(ref _submissions);

        public override Task<NodeStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
            honest.GetStatusAsync(request, cancellationToken: context.CancellationToken).ResponseAsync;

        public override Task<SubmitTransactionResponse> SubmitTransaction(SubmitTransactionRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _submissions);
            return honest.SubmitTransactionAsync(request, cancellationToken: context.CancellationToken).ResponseAsync;
        }

        public override async Task StreamBlocks(StreamBlocksRequest request, IServerStreamWriter<GetBlockResponse> responseStream,
            ServerCallContext context)
        {
            using var call = honest.StreamBlocks(request, cancellationToken: context.CancellationToken);
            try
            {
                while (await call.ResponseStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
                {
                    var answer = call.ResponseStream.Current;
                    await responseStream.WriteAsync(answer.Height >= fromHeight ? Spoil(answer) : answer).ConfigureAwait(false);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
                // The trustee closed the stream once it reached its target.
            }
        }

        private GetBlockResponse Spoil(GetBlockResponse answer)
        {
            var block = Block.Parser.ParseFrom(answer.Block);
            if (lie == BlockLie.ForgedCertificate)
            {
                var signature = block.Certificate.Signatures[0].Signature.ToByteArray();
                signature[0] ^= 1;
                block.Certificate.Signatures[0].Signature = ByteString.CopyFrom(signature);
            }
            else
            {
                var tx = block.Transactions[0].ToByteArray();
                tx[^1] ^= 1;
                block.Transactions[0] = ByteString.CopyFrom(tx);
            }

            return new GetBlockResponse { Height = answer.Height, BlockHash = answer.BlockHash, Block = block.ToByteString() };
        }
    }
}
