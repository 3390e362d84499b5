using System.Threading.RateLimiting;

namespace VoteChain.Networking.Peers;

/// <summary>
/// A token bucket per validator (by its index in the genesis set, so there are never more buckets than validators),
/// counted in gossiped transactions. Honest validators relay what their clients submit, so the rate is generous; it
/// only stops one Byzantine or compromised validator from making every node verify transactions without end.
/// </summary>
public sealed class ValidatorTransactionRate : IDisposable
{
    private readonly PartitionedRateLimiter<int> _limiter;

    public ValidatorTransactionRate(int ratePerSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, ratePerSecond);
        // Refilled ten times a second where the rate allows it, so a burst does not leave a validator silent for a second.
        var (tokens, period) = ratePerSecond >= 10
            ? (ratePerSecond / 10, TimeSpan.FromMilliseconds(100))
            : (1, TimeSpan.FromSeconds(1.0 / ratePerSecond));
        _limiter = PartitionedRateLimiter.Create<int, int>(validator => RateLimitPartition.GetTokenBucketLimiter(validator,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                AutoReplenishment = true,
                QueueLimit = 0,
            }));
    }

    /// <summary>Takes one transaction from the validator's bucket if it holds one.</summary>
    public bool TryTake(int validatorIndex)
    {
        using var lease = _limiter.AttemptAcquire(validatorIndex, 1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
