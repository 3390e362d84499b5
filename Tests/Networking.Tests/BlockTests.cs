using Google.Protobuf;
using Grpc.Core;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class BlockTests : ApiTestBase
{
    [Test]
    public async Task Status_reports_the_chain_and_the_head_and_the_mempool()
    {
        await Client.SubmitTransactionAsync(
            new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0)) },
            cancellationToken: Deadline);

        var status = await Client.GetStatusAsync(new GetStatusRequest(), cancellationToken: Deadline);

        Assert.That(status.ChainId, Is.EqualTo(ApiChain.ChainId));
        Assert.That(status.Role, Is.EqualTo("observer"));
        Assert.That(status.Height, Is.EqualTo(2));
        Assert.That(status.HeadHash.ToByteArray(), Is.EqualTo(Chain.Store.HeadHash));
        Assert.That(status.MempoolSize, Is.EqualTo(1));
    }

    [Test]
    public async Task A_block_reads_back_by_height_and_by_hash()
    {
        var committed = Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0));

        var byHeight = await Client.GetBlockAsync(new GetBlockRequest { Height = 3 }, cancellationToken: Deadline);
        var byHash = await Client.GetBlockAsync(new GetBlockRequest { Hash = ByteString.CopyFrom(committed.Hash) }, cancellationToken: Deadline);

        Assert.That(byHeight, Is.EqualTo(byHash));
        Assert.That(byHeight.Height, Is.EqualTo(3));
        Assert.That(byHeight.BlockHash.ToByteArray(), Is.EqualTo(committed.Hash));
        Assert.That(Block.Parser.ParseFrom(byHeight.Block), Is.EqualTo(committed.Block));
    }

    [TestCase(0UL)]
    [TestCase(3UL)]
    [TestCase(ulong.MaxValue)]
    public async Task A_height_without_a_block_is_NotFound(ulong height)
    {
        var error = await Refused(new GetBlockRequest { Height = height });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    [Test]
    public async Task An_unknown_hash_is_NotFound_and_a_short_one_InvalidArgument()
    {
        var unknown = await Refused(new GetBlockRequest { Hash = ByteString.CopyFrom(new byte[32]) });
        var shortHash = await Refused(new GetBlockRequest { Hash = ByteString.CopyFrom(new byte[5]) });
        var neither = await Refused(new GetBlockRequest());

        Assert.That(unknown.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(shortHash.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(shortHash.Status.Detail, Does.Contain("32 bytes"));
        Assert.That(neither.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public async Task The_block_stream_sends_history_then_blocks_committed_after_subscribing()
    {
        using var call = Client.StreamBlocks(new StreamBlocksRequest { FromHeight = 0 }, cancellationToken: Deadline);

        var history = new List<ulong>();
        for (var i = 0; i < 2; i++)
        {
            Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True);
            history.Add(call.ResponseStream.Current.Height);
        }

        var committed = Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(2), 1));
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True);

        Assert.That(history, Is.EqualTo(new[] { 1UL, 2UL }));
        Assert.That(call.ResponseStream.Current.Height, Is.EqualTo(3));
        Assert.That(call.ResponseStream.Current.BlockHash.ToByteArray(), Is.EqualTo(committed.Hash));
    }

    [Test]
    public async Task The_block_stream_starts_at_the_requested_height()
    {
        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(2), 1));
        using var call = Client.StreamBlocks(new StreamBlocksRequest { FromHeight = 3 }, cancellationToken: Deadline);

        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True);

        Assert.That(call.ResponseStream.Current.Height, Is.EqualTo(3));
    }

    private async Task<RpcException> Refused(GetBlockRequest request) =>
        (await Assert.ThrowsAsync<RpcException>(async () => await Client.GetBlockAsync(request, cancellationToken: Deadline)))!;
}
