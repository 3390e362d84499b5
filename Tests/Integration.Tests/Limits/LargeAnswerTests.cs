using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// GetBlocks (up to 8 MiB) and ListEvidence (up to 16 MiB) answers are built whole, and anyone may ask for them: a
/// caller that never reads keeps each one in memory. How many are sent at once is bounded in all and per client
/// address, and an answer not taken within the write time is cut off (issue 9 review, finding 4).
/// </summary>
public sealed class LargeAnswerTests
{
    private const string GetBlocks = "votechain.v1.PeerService/GetBlocks";

    [Test]
    public async Task Answers_to_readers_that_never_read_are_bounded_per_address_and_in_all_and_cut_off_after_the_write_time()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject
        {
            ["max_large_answers"] = 3,
            ["max_large_answers_per_address"] = 2,
            ["large_answer_seconds"] = 3,
        });
        await CommitLargeBlockAsync(net);
        var request = new GetBlocksRequest { FromHeight = 1 }.ToByteArray();
        var first = IPAddress.Parse("127.0.0.1");
        var third = IPAddress.Parse("127.0.0.3");

        var slots = ((PeerServiceImpl)net.Services(0)!.GetService(typeof(PeerServiceImpl))!).LargeAnswers!;

        // Two answers held by 127.0.0.1: its share is taken by a reader that never reads; 127.0.0.2 is still served.
        using var held1 = await UnreadHttp2Call.StartAsync(first, net.Port(0), "/" + GetBlocks, request);
        using var held2 = await UnreadHttp2Call.StartAsync(first, net.Port(0), "/" + GetBlocks, request);
        await Eventually.HoldsAsync(() => Task.FromResult(slots.InUse == 2), TimeSpan.FromSeconds(10), () => "the two calls to be taken");
        var perAddress = await AskAsync(net, first);
        var other = await AskAsync(net, LimitedNode.Other);

        // One more held by 127.0.0.2 takes the last slot: a third address is refused too.
        await Eventually.HoldsAsync(() => Task.FromResult(slots.InUse == 2), TimeSpan.FromSeconds(10), () => "the served answer's slot to be freed");
        using var held3 = await UnreadHttp2Call.StartAsync(LimitedNode.Other, net.Port(0), "/" + GetBlocks, request);
        await Eventually.HoldsAsync(() => Task.FromResult(slots.InUse == 3), TimeSpan.FromSeconds(10), () => "the third call to be taken");
        var inAll = await AskAsync(net, third);
        RpcException? evidence = null;
        using (var channel = LimitedNode.Channel(net, third))
        {
            try
            {
                await LimitedNode.Api(channel).ListEvidenceAsync(new ListEvidenceRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            }
            catch (RpcException e)
            {
                evidence = e;
            }
        }

        Assert.That(perAddress?.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), "a third answer to one address");
        Assert.That(perAddress!.Status.Detail, Does.Contain("2 per client address"));
        Assert.That(other, Is.Null, "another address is served meanwhile");
        Assert.That(inAll?.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), "a fourth answer in all");
        Assert.That(inAll!.Status.Detail, Does.Contain("3 at once"));
        Assert.That(inAll.Trailers.Get("retry-after-ms"), Is.Not.Null, "marked busy, so a syncing peer does not demote this node");
        Assert.That(evidence?.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), "ListEvidence shares the slots");
        Assert.That(evidence!.Status.Detail, Does.Contain("ListEvidence was refused"));

        // The write time (3 s) passes: the unread answers are cut off and their slots freed for an honest reader.
        await Eventually.HoldsAsync(() => Task.FromResult(slots.InUse == 0), TimeSpan.FromSeconds(20), () => "the unread answers to be cut off");
        Assert.That(await AskAsync(net, third), Is.Null, "served once the slots are free");
        Assert.That(held1.CutOff() && held2.CutOff() && held3.CutOff(), Is.True, "the unread calls were cut off");
    }

    /// <summary>One GetBlocks from <paramref name="source"/> read in full: null when answered, else the refusal.</summary>
    private static async Task<RpcException?> AskAsync(TestNetwork net, IPAddress source)
    {
        using var channel = LimitedNode.Channel(net, source);
        try
        {
            var answer = await new PeerService.PeerServiceClient(channel).GetBlocksAsync(new GetBlocksRequest { FromHeight = 1 },
                deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.That(answer.Blocks, Is.Not.Empty);
            return null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            return e;
        }

    }

    /// <summary>
    /// Two registrations of 5,000 voters (about 190 KB each): an answer larger than what the reader's 64 KiB receive
    /// window and the server's 64 KiB response buffer take, so the server cannot finish it while the reader does not read.
    /// </summary>
    private static async Task CommitLargeBlockAsync(TestNetwork net)
    {
        var api = net.Api(0);
        var voters = Enumerable.Range(0, 10_000).Select(_ =>
        {
            using var key = Ed25519KeyPair.Generate();
            return key.PublicKey;
        }).ToList();
        await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(Payloads.CreateElection(net.Authority, "big")) });
        await Eventually.HoldsAsync(async () => (await api.GetStatusAsync(new GetStatusRequest())).MempoolSize == 0, TimeSpan.FromSeconds(20),
            () => "the election to commit");
        foreach (var half in voters.Chunk(5_000))
        {
            await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(Payloads.Register(net.Authority, "big", half)) });
        }

        await Eventually.HoldsAsync(async () => (await api.GetStatusAsync(new GetStatusRequest())).MempoolSize == 0, TimeSpan.FromSeconds(20),
            () => "the registration to commit");
    }
}
