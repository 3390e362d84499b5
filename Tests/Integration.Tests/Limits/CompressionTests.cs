using System.Text.Json.Nodes;
using Grpc.Core;
using VoteChain.Integration.Tests.Cli;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// Gzip bombs (issue 9 review, finding 1): grpc-dotnet checks a message's compressed length against its bounds and
/// inflates it into a buffer without bound. A node refuses compressed messages unread; the CLI asks for no compression
/// and refuses a compressed answer without inflating it.
/// </summary>
public sealed class CompressionTests
{
    [Test]
    public async Task A_gzip_message_is_refused_before_it_is_inflated_and_the_node_keeps_serving()
    {
        // Under 64 KiB on the wire, so under the bound of a gossip stream's unauthenticated first message; 56 MiB inflated.
        var frame = GzipBomb.Frame(56 << 20);
        await using var net = await LimitedNode.StartAsync(new JsonObject());
        using var http = new HttpClient(new SocketsHttpHandler());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string[] methods = ["votechain.v1.PeerService/Gossip", "votechain.v1.VoteChainApi/SubmitTransaction",
            "votechain.v1.VoteChainApi/SubmitBatch", "votechain.v1.VoteChainApi/GetStatus"];
        (StatusCode Code, string Message)[] answers;
        double growth;
        await using (var heap = HeapWatch.Start())
        {
            answers = await Task.WhenAll(methods.Select(m => RawGrpcStream.SendGzipAsync(http, net.Url(0), m, frame, deadline.Token)));
            growth = heap.PeakGrowthMiB;
        }

        var status = await net.Api(0).GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10));

        TestContext.Out.WriteLine($"gzip bombs ({frame.Length} bytes each): heap peak +{growth:F1} MiB");
        Assert.That(frame, Has.Length.LessThan(64 * 1024));
        Assert.That(answers.Select(a => a.Code), Is.All.EqualTo(StatusCode.Unimplemented), () => string.Join("; ", answers));
        Assert.That(answers[0].Message, Does.Contain("PeerService/Gossip message is compressed").And.Contain("refused unread"));
        Assert.That(growth, Is.LessThan(16), "the node inflated a bomb");
        Assert.That(status.Height, Is.Zero, "the node still answers");
    }

    [Test]
    public async Task The_cli_asks_for_no_compression_and_refuses_a_compressed_answer_in_one_line()
    {
        await using var bomb = await GzipBombServer.StartAsync(64 << 20);

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var result = await CliHarness.Run(["status", "--node", bomb.Url]);
        var allocatedMiB = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024.0 * 1024);

        TestContext.Out.WriteLine($"CLI against a gzip bomb: {allocatedMiB:F1} MiB allocated; {result.Err.Trim()}");
        Assert.That(bomb.AcceptEncodings, Is.EqualTo(new[] { "identity" }), "the CLI asks for no compression");
        Assert.That(result.Code, Is.EqualTo(1), result.ToString);
        Assert.That(result.Err.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString);
        Assert.That(allocatedMiB, Is.LessThan(8), "the answer was inflated");
    }
}
