using System.Threading.RateLimiting;
using VoteChain.Networking.Limits;

namespace VoteChain.Networking.Peers;

/// <summary>
/// A token bucket per validator (by its index in the genesis set, so there are never more buckets than validators),
/// counted in gossiped transactions. Honest validators relay what their clients submit, so the rate is generous; it
/// only stops one Byzantine or compromised validator from making every node verify transactions without end.
/// </summary>
public sealed class ValidatorTransactionRate : IDisposable
{
    private readonly PartitionedRateLimiter<int> _limiter;

    public ValidatorTransactionRate(int ratePerSecond, int burst) =>
        _limiter = TokenBuckets.Create<int>(ratePerSecond, burst);

    /// <summary>Takes one transaction from the validator's bucket if it holds one.</summary>
    public bool TryTake(int validatorIndex)
    {
        using var lease = _limiter.AttemptAcquire(validatorIndex, 1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
