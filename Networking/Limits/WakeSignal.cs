namespace VoteChain.Networking.Limits;

/// <summary>
/// Wakes one waiting consumer when producers post: many posts before it wakes count as one (the consumer drains
/// everything it finds), so a flood of posts costs no more than one.
/// </summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Set()
    {
        if (_signal.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another producer set it first.
        }
    }

    /// <summary>Waits until set (true) or until <paramref name="timeout"/> passes (false).</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellation) => _signal.WaitAsync(timeout, cancellation);

    public Task WaitAsync(CancellationToken cancellation) => _signal.WaitAsync(cancellation);

    /// <summary>Blocks the calling thread until set (for a consumer that owns a thread of its own).</summary>
    public void Wait(CancellationToken cancellation) => _signal.Wait(cancellation);

    public void Dispose() => _signal.Dispose();
}
