using System.Diagnostics;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// Message sizes are bounded per method from each message's length prefix, before the payload is buffered: the attack
/// of issue 9 (a stream of 4 MiB messages that took the heap from 6 MiB to 1 GiB) must leave the node's memory flat.
/// </summary>
public sealed class MessageLimitTests
{
    private const int FourMiB = 4 * 1024 * 1024;

    [Test]
    public async Task Streams_of_4_MiB_messages_are_refused_unread_and_the_node_keeps_serving()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject());
        using var http = new HttpClient(new SocketsHttpHandler());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        (StatusCode Code, string Message)[] answers;
        double growth;
        await using (var heap = HeapWatch.Start())
        {
            // Eight streams of 32 messages of 4 MiB each: a gigabyte offered.
            answers = await Task.WhenAll(Enumerable.Range(0, 8)
                .Select(_ => RawGrpcStream.SubmitAsync(http, net.Url(0), 32, FourMiB - 16, deadline.Token)));
            growth = heap.PeakGrowthMiB;
        }

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var status = await net.Api(0).GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10));

        TestContext.Out.WriteLine($"4 MiB streams: heap peak +{growth:F1} MiB, process CPU {cpuSeconds:F2} s");
        Assert.That(answers.Select(a => a.Code), Is.All.EqualTo(StatusCode.ResourceExhausted), () => string.Join("; ", answers));
        Assert.That(answers[0].Message, Does.Contain("over this node's limit of 262208 bytes"));
        Assert.That(growth, Is.LessThan(64), "the node buffered the refused messages");
        Assert.That(status.Height, Is.Zero, "the node still answers other clients");
    }

    [Test]
    public async Task A_stream_of_envelopes_at_the_size_limit_is_admitted_in_byte_bounded_chunks()
    {
        // 200 envelopes of 250 KiB (within mempool.max_tx_bytes, 256 KiB): 50 MiB in one stream, never held whole.
        await using var net = await LimitedNode.StartAsync(new JsonObject());
        using var http = new HttpClient(new SocketsHttpHandler());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        (StatusCode Code, string Message) answer;
        double growth;
        await using (var heap = HeapWatch.Start())
        {
            answer = await RawGrpcStream.SubmitAsync(http, net.Url(0), 200, 250 * 1024, deadline.Token);
            growth = heap.PeakGrowthMiB;
        }

        TestContext.Out.WriteLine($"200 x 250 KiB stream: heap peak +{growth:F1} MiB");
        Assert.That(answer.Code, Is.EqualTo(StatusCode.OK), answer.Message);
        Assert.That(growth, Is.LessThan(16), "the stream's envelopes piled up in the node");
    }

    [Test]
    public async Task A_transaction_over_the_per_method_bound_is_refused_while_a_batch_of_that_size_is_read()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject());
        var api = net.Api(0);
        var envelope = ByteString.CopyFrom(new byte[300 * 1024]);

        var single = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = envelope }, deadline: DateTime.UtcNow.AddSeconds(10)));
        // The same bytes inside a batch fit the batch's own bound: they are read and judged by the rules (too large).
        var batch = await api.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { envelope } }, deadline: DateTime.UtcNow.AddSeconds(10));

        Assert.That(single!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(single.Status.Detail, Does.Contain("SubmitTransaction message of").And.Contain("limit of 262208 bytes"));
        Assert.That(batch.Results.Single().CodeName, Is.EqualTo("TOO_LARGE"));
    }

    [Test]
    public async Task A_gossip_stream_s_first_message_is_bounded_like_a_handshake_before_the_peer_is_known()
    {
        // 100 KB is far below the gossip bound (a block's worth) but far above any handshake.
        await using var net = await LimitedNode.StartAsync(new JsonObject());
        using var http = new HttpClient(new SocketsHttpHandler());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var answer = await RawGrpcStream.SubmitAsync(http, net.Url(0), 1, 100_000, deadline.Token, "votechain.v1.PeerService/Gossip");

        Assert.That(answer.Code, Is.EqualTo(StatusCode.ResourceExhausted), answer.Message);
        Assert.That(answer.Message, Does.Contain("PeerService/Gossip message of").And.Contain("limit of 65536 bytes"));
    }
}
