using System.Threading.RateLimiting;

namespace VoteChain.Networking.Limits;

/// <summary>
/// One token bucket per key (a client address, a validator), counted in whatever the caller takes: <c>burst</c> at
/// once, then <c>rate</c> a second. Refilled ten times a second where the rate allows it, so a drained bucket does not
/// leave its owner silent for a whole second. Idle buckets are dropped by the limiter, so many keys cost no memory.
/// </summary>
public static class TokenBuckets
{
    public static PartitionedRateLimiter<TKey> Create<TKey>(int ratePerSecond, int burst)
        where TKey : notnull
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, ratePerSecond);
        var period = RefillPeriod(ratePerSecond);
        var tokens = ratePerSecond >= 10 ? ratePerSecond / 10 : 1;
        return PartitionedRateLimiter.Create<TKey, TKey>(key => RateLimitPartition.GetTokenBucketLimiter(key,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                AutoReplenishment = true,
                QueueLimit = 0,
            }));
    }

    /// <summary>How often a bucket of this rate gets tokens back: the least a refused caller should wait.</summary>
    public static TimeSpan RefillPeriod(int ratePerSecond) =>
        ratePerSecond >= 10 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1.0 / ratePerSecond);
}
