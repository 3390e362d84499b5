namespace VoteChain.Networking.Limits;

/// <summary>
/// A FIFO queue bounded in bytes that makes room by dropping its oldest items; an item larger than the whole bound is
/// dropped on arrival rather than emptying the queue for it. Not thread-safe: its owner locks.
/// </summary>
public sealed class ByteBoundedQueue<T>
{
    private readonly Queue<(T Item, long Size)> _items = new();
    private readonly long _maxBytes;

    public ByteBoundedQueue(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _maxBytes = maxBytes;
    }

    public long Bytes { get; private set; }

    /// <summary>Items dropped so far to keep within the bound.</summary>
    public long Dropped { get; private set; }

    public void Enqueue(T item, long size)
    {
        if (size > _maxBytes)
        {
            Dropped++;
            return;
        }

        while (Bytes + size > _maxBytes && _items.TryDequeue(out var oldest))
        {
            Bytes -= oldest.Size;
            Dropped++;
        }

        _items.Enqueue((item, size));
        Bytes += size;
    }

    /// <summary>The size the next item was enqueued with, or false when the queue is empty.</summary>
    public bool TryPeekSize(out long size)
    {
        var any = _items.TryPeek(out var next);
        size = next.Size;
        return any;
    }

    public bool TryDequeue(out T item)
    {
        if (_items.TryDequeue(out var next))
        {
            Bytes -= next.Size;
            item = next.Item;
            return true;
        }

        item = default!;
        return false;
    }
}
