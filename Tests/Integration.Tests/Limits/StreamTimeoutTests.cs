using System.Diagnostics;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>A stream that sends nothing is closed after the idle time (issue 9: silent streams stayed open forever).</summary>
public sealed class StreamTimeoutTests
{
    [Test]
    public async Task A_silent_submit_stream_is_closed_within_the_idle_time()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject { ["stream_idle_seconds"] = 1 });
        var clock = Stopwatch.StartNew();
        using var call = net.Api(0).SubmitStream(deadline: DateTime.UtcNow.AddSeconds(20));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseAsync);

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.Contain("sent nothing for 1 s"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That((await net.Api(0).GetStatusAsync(new GetStatusRequest())).Height, Is.Zero, "the node keeps serving");
    }

    [Test]
    public async Task A_gossip_stream_that_never_says_hello_is_closed_within_the_idle_time()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject { ["stream_idle_seconds"] = 1 });
        using var channel = GrpcChannel.ForAddress(net.Url(0));
        var clock = Stopwatch.StartNew();
        using var call = new PeerService.PeerServiceClient(channel).Gossip(deadline: DateTime.UtcNow.AddSeconds(20));

        // The node opens with its challenge; the caller never answers it.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), error.Status.Detail);
        Assert.That(error.Status.Detail, Does.Contain("Gossip request sent nothing"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task A_message_that_trickles_in_below_the_minimum_rate_is_cut_off()
    {
        // 100,000 bytes a second after a 1.5 s grace: a 200 KB message may take 3.5 s; this one would take 100 minutes.
        await using var net = await LimitedNode.StartAsync(new JsonObject
        {
            ["stream_idle_seconds"] = 0.5, ["min_data_rate_bytes_per_second"] = 100_000, ["data_rate_grace_seconds"] = 1.5,
        });
        using var http = new HttpClient(new SocketsHttpHandler());
        var clock = Stopwatch.StartNew();

        // The header announces 200 KB; the body then arrives 10 bytes at a time, every 0.3 s (never idle for 0.5 s).
        var answer = await RawGrpcStream.TrickleAsync(http, net.Url(0), 200_000, TimeSpan.FromMilliseconds(300),
            new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.That(answer.Code, Is.EqualTo(StatusCode.ResourceExhausted), answer.Message);
        Assert.That(answer.Message, Does.Contain("slower than 100000 bytes/s"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }
}
