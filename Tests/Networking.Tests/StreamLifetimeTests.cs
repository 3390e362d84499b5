using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>Tally and status streams end by themselves after their lifetime, so no follower holds a connection forever; they can reopen.</summary>
public sealed class StreamLifetimeTests : ApiTestBase
{
    protected override TimeSpan StreamLifetime => TimeSpan.FromSeconds(2);

    [Test]
    public async Task A_tally_stream_ends_after_its_lifetime_and_a_new_one_starts_with_the_tally()
    {
        using var call = Client.StreamTally(new GetTallyRequest { ElectionId = ApiChain.Election }, cancellationToken: Deadline);
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True, "the tally now");
        var started = DateTime.UtcNow;
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.False, "the node ends the stream");
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(20)));

        using var again = Client.StreamTally(new GetTallyRequest { ElectionId = ApiChain.Election }, cancellationToken: Deadline);
        Assert.That(await again.ResponseStream.MoveNext(Deadline), Is.True);
        Assert.That(again.ResponseStream.Current.ElectionId, Is.EqualTo(ApiChain.Election));
    }

    [Test]
    public async Task A_status_stream_ends_after_its_lifetime_too()
    {
        using var call = Client.StreamStatus(new GetStatusRequest(), cancellationToken: Deadline);
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True, "the status now");
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.False, "the node ends the stream");
    }
}
