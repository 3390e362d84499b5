namespace VoteChain.Networking.Events;

/// <summary>
/// Tells waiters that the chain grew. It carries only the new height: streams read what they need from storage,
/// so a slow subscriber holds no queue and cannot grow memory, and a missed signal loses nothing.
/// </summary>
public sealed class ChainEvents
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _height;
    private bool _closed;

    public ChainEvents(ulong height) => _height = height;

    public ulong Height
    {
        get
        {
            lock (_gate)
            {
                return _height;
            }
        }
    }

    /// <summary>Called by the driver once a block is durably committed.</summary>
    public void Published(ulong height)
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (height <= _height)
            {
                return;
            }

            _height = height;
            wake = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>
    /// The node is stopping: every waiter, now and later, gets null, so that live streams end at once instead of
    /// holding the server's graceful shutdown.
    /// </summary>
    public void Close()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            _closed = true;
            wake = _next;
        }

        wake.TrySetResult();
    }

    /// <summary>Completes with the chain's height once it is above <paramref name="height"/>, or null once closed.</summary>
    public async Task<ulong?> WaitBeyondAsync(ulong height, CancellationToken cancellation)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_closed)
                {
                    return null;
                }

                if (_height > height)
                {
                    return _height;
                }

                wait = _next.Task;
            }

            await wait.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }
}
