using Microsoft.Extensions.Hosting;

namespace VoteChain.Node.Hosting;

/// <summary>
/// Trims malloc's arenas once a minute (<see cref="NativeHeap.Trim"/>): a few milliseconds of one thread, against
/// free pages that would otherwise stay resident for good. Stops at the first failure to find glibc's malloc_trim.
/// </summary>
internal sealed class NativeHeapTrimmer(TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!NativeHeap.Trim())
            {
                return;
            }
        }
    }
}
