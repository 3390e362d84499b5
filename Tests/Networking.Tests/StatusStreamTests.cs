using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>The status stream a page follows: the status now, then one per committed block, with the new height.</summary>
public sealed class StatusStreamTests : ApiTestBase
{
    [Test]
    public async Task The_status_stream_sends_the_status_now_then_after_each_commit()
    {
        using var call = Client.StreamStatus(new GetStatusRequest(), cancellationToken: Deadline);
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True);
        var first = call.ResponseStream.Current;

        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(3), 1));
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True);
        var second = call.ResponseStream.Current;

        Assert.That(second.Height, Is.EqualTo(first.Height + 1));
        Assert.That(second.HeadHash, Is.Not.EqualTo(first.HeadHash));
        Assert.That(second.ChainId, Is.EqualTo(first.ChainId));
    }
}
