namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// Samples the process's live managed heap while an attack runs, keeping the peak: what the node holds, not garbage it
/// has not collected yet (whose amount depends on the GC's budget, so on whatever ran before).
/// </summary>
internal sealed class HeapWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peak;

    private HeapWatch()
    {
        Baseline = GC.GetTotalMemory(forceFullCollection: true);
        _peak = Baseline;
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), GC.GetTotalMemory(forceFullCollection: true)));
            }
        });
    }

    public long Baseline { get; }

    /// <summary>The highest heap seen above the baseline, in MiB.</summary>
    public double PeakGrowthMiB => (Interlocked.Read(ref _peak) - Baseline) / (1024.0 * 1024);

    public static HeapWatch Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sampling;
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }

        _stop.Dispose();
    }
}
