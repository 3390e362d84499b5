using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>A tally stream ends by itself after its lifetime, so no follower holds a connection forever; it can reopen.</summary>
public sealed class TallyStreamLifetimeTests : ApiTestBase
{
    protected override TimeSpan TallyStreamLifetime => TimeSpan.FromSeconds(2);

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
}
