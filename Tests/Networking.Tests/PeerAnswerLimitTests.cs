using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Limits;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// A peer's GetBlocks answer is bounded near what an honest peer may send (PeerServiceImpl.MaxResponseBytes plus one
/// block), not 256 MiB: a lying peer cannot make a syncing node buffer a huge answer.
/// </summary>
public sealed class PeerAnswerLimitTests
{
    private static readonly ConsensusParams Params = new() { MaxBlockBytes = 1024 * 1024, MaxBlockTxs = 10_000 };

    [Test]
    public async Task An_answer_over_the_bound_is_refused_and_one_within_it_is_taken()
    {
        var bound = PeerLimits.MaxBlocksResponseBytes(Params);
        await using var liar = await AnsweringPeer.StartAsync(blockBytes: bound + 1);
        await using var honest = await AnsweringPeer.StartAsync(blockBytes: PeerServiceImpl.MaxResponseBytes);
        using var key = Ed25519KeyPair.Generate();
        var dialing = new PeerDialing(new LocalPeer(key, "chain", new byte[32], "asker", "http://127.0.0.1:1"), null,
            new Dictionary<string, byte[]>());
        await using var toLiar = new PeerConnection(liar.Url, dialing, PeerLimits.Default(Params), NullLogger.Instance);
        await using var toHonest = new PeerConnection(honest.Url, dialing, PeerLimits.Default(Params), NullLogger.Instance);

        var fromLiar = await toLiar.BlocksAsync(1, CancellationToken.None);
        var fromHonest = await toHonest.BlocksAsync(1, CancellationToken.None);

        Assert.That(bound, Is.LessThan(10 * 1024 * 1024), "near MaxResponseBytes (8 MiB), far below 256 MiB");
        Assert.That(fromLiar, Is.Empty);
        Assert.That(liar.Served, Is.EqualTo(1), "the liar was asked and answered");
        Assert.That(fromHonest!.Single(), Has.Length.EqualTo(PeerServiceImpl.MaxResponseBytes));
    }

    [Test]
    public async Task A_peer_that_says_it_is_busy_is_passed_over_and_not_taken_for_one_that_serves_nothing()
    {
        await using var busy = await AnsweringPeer.StartAsync(blockBytes: 10, busy: true);
        using var key = Ed25519KeyPair.Generate();
        var dialing = new PeerDialing(new LocalPeer(key, "chain", new byte[32], "asker", "http://127.0.0.1:1"), null,
            new Dictionary<string, byte[]>());
        await using var toBusy = new PeerConnection(busy.Url, dialing, PeerLimits.Default(Params), NullLogger.Instance);

        var answer = await toBusy.BlocksAsync(1, CancellationToken.None);

        // Null is "busy" (sync asks the next peer and demotes no one); empty would be "served nothing" (demoted).
        Assert.That(answer, Is.Null);
        Assert.That(busy.Served, Is.EqualTo(1));
    }

    [Test]
    public async Task A_fetch_the_asker_gives_up_is_cancelled_not_taken_for_a_peer_that_served_nothing()
    {
        await using var stalling = await AnsweringPeer.StartAsync(blockBytes: 10, stall: true);
        using var key = Ed25519KeyPair.Generate();
        var dialing = new PeerDialing(new LocalPeer(key, "chain", new byte[32], "asker", "http://127.0.0.1:1"), null,
            new Dictionary<string, byte[]>());
        await using var toStalling = new PeerConnection(stalling.Url, dialing, PeerLimits.Default(Params), NullLogger.Instance);
        using var giveUp = new CancellationTokenSource();

        var fetch = toStalling.BlocksAsync(1, giveUp.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (stalling.Served == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(stalling.Served, Is.EqualTo(1), "the request reached the peer");
        await giveUp.CancelAsync();

        // Empty would be "served nothing", for which sync demotes the peer: a lying peer could get honest ones demoted
        // by making sync drop a batch it was fetching ahead from them.
        Assert.That(async () => await fetch, Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>A peer server on 127.0.0.1 that answers GetBlocks with one block of a chosen size, says it is busy, or stalls.</summary>
    private sealed class AnsweringPeer : PeerService.PeerServiceBase, IAsyncDisposable
    {
        private readonly int _blockBytes;
        private readonly bool _busy;
        private readonly bool _stall;
        private WebApplication? _app;
        private int _served;

        private AnsweringPeer(int blockBytes, bool busy, bool stall) => (_blockBytes, _busy, _stall) = (blockBytes, busy, stall);

        public string Url { get; private set; } = "";

        public int Served => _served;

        public static async Task<AnsweringPeer> StartAsync(int blockBytes, bool busy = false, bool stall = false)
        {
            var peer = new AnsweringPeer(blockBytes, busy, stall);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(peer);
            peer._app = builder.Build();
            peer._app.MapGrpcService<AnsweringPeer>();
            await peer._app.StartAsync();
            peer.Url = peer._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return peer;
        }

        public override async Task<GetBlocksResponse> GetBlocks(GetBlocksRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _served);
            if (_stall)
            {
                // Answers only when the caller gives up (the call's token ends with the client's cancellation).
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }

            if (_busy)
            {
                // As LargeAnswerSlots refuses when its slots are taken.
                throw new RpcException(new Status(StatusCode.ResourceExhausted, "busy"),
                    new Metadata { { SubmitRateLimiter.RetryAfterTrailer, "2000" } });
            }

            return new GetBlocksResponse { Blocks = { ByteString.CopyFrom(new byte[_blockBytes]) } };
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
    }
}
