using VoteChain.Networking.Events;

namespace VoteChain.Networking.Tests;

public sealed class ChainEventsTests
{
    [Test]
    public async Task A_waiter_wakes_when_the_height_passes_its_mark()
    {
        var events = new ChainEvents(3);
        var waiting = events.WaitBeyondAsync(4, CancellationToken.None);
        events.Published(4);
        Assert.That(waiting.IsCompleted, Is.False, "height 4 is not beyond 4");

        events.Published(6);
        Assert.That(await waiting, Is.EqualTo(6UL));
        Assert.That(await events.WaitBeyondAsync(2, CancellationToken.None), Is.EqualTo(6UL), "already beyond: no wait");
    }

    [Test]
    public async Task Closing_ends_every_wait_with_null_now_and_later()
    {
        var events = new ChainEvents(1);
        var waiting = events.WaitBeyondAsync(1, CancellationToken.None);
        events.Close();
        Assert.That(await waiting, Is.Null);
        Assert.That(await events.WaitBeyondAsync(100, CancellationToken.None), Is.Null);
    }
}
