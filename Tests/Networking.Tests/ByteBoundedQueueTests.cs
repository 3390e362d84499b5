using VoteChain.Networking.Limits;

namespace VoteChain.Networking.Tests;

public sealed class ByteBoundedQueueTests
{
    [Test]
    public void Over_its_bound_the_queue_drops_its_oldest_items_and_keeps_order()
    {
        var queue = new ByteBoundedQueue<int>(maxBytes: 100);
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(i, 30);
        }

        var left = new List<int>();
        while (queue.TryDequeue(out var item))
        {
            left.Add(item);
        }

        Assert.That(left, Is.EqualTo(new[] { 7, 8, 9 }));
        Assert.That(queue.Dropped, Is.EqualTo(7));
        Assert.That(queue.Bytes, Is.Zero);
    }

    [Test]
    public void An_item_larger_than_the_bound_is_dropped_alone()
    {
        var queue = new ByteBoundedQueue<int>(maxBytes: 100);
        queue.Enqueue(1, 60);

        queue.Enqueue(2, 101);

        Assert.That(queue.TryDequeue(out var kept) ? kept : -1, Is.EqualTo(1));
        Assert.That(queue.Dropped, Is.EqualTo(1));
    }
}
