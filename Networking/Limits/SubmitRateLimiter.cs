using System.Net;
using System.Threading.RateLimiting;
using Grpc.Core;

namespace VoteChain.Networking.Limits;

/// <summary>
/// A token bucket per client address (<see cref="ClientAddress"/>), counted in transactions: a client may submit
/// <c>burst</c> at once and <c>rate</c> a second after that. Signature checks cost CPU, so one address cannot take all
/// of it. A refusal is ResourceExhausted with a sentence saying when to retry; nothing of the refused call is admitted.
/// </summary>
public sealed class SubmitRateLimiter : IDisposable
{
    /// <summary>
    /// Trailer on a refusal that waiting cures (the bucket refills), saying how many milliseconds to wait; a call that
    /// can never pass (more than a burst) carries none.
    /// </summary>
    public const string RetryAfterTrailer = "retry-after-ms";

    private readonly PartitionedRateLimiter<IPAddress> _limiter;
    private readonly int _refillMs;

    public SubmitRateLimiter(int ratePerSecond, int burst)
    {
        _limiter = TokenBuckets.Create<IPAddress>(ratePerSecond, burst);
        RatePerSecond = ratePerSecond;
        Burst = burst;
        _refillMs = (int)Math.Ceiling(TokenBuckets.RefillPeriod(ratePerSecond).TotalMilliseconds);
    }

    public int RatePerSecond { get; }

    public int Burst { get; }

    /// <summary>Takes <paramref name="transactions"/> from the address's bucket, or throws ResourceExhausted.</summary>
    public void Take(IPAddress? address, int transactions)
    {
        if (transactions <= 0)
        {
            return;
        }

        var key = ClientAddress.Key(address);
        if (transactions > Burst)
        {
            throw Refused($"{transactions} transactions in one call are more than this node takes from one address at once ({Burst}); send smaller batches.");
        }

        if (!TryTake(key, transactions))
        {
            throw Refused($"Too many transactions from {key}: this node takes {RatePerSecond} a second from one address " +
                $"(bursts of up to {Burst}); retry later.", _refillMs);
        }
    }

    /// <summary>Takes <paramref name="transactions"/> from the address's bucket if it holds them (for callers with no one to answer).</summary>
    public bool TryTake(IPAddress? address, int transactions)
    {
        if (transactions > Burst)
        {
            return false;
        }

        using var lease = _limiter.AttemptAcquire(ClientAddress.Key(address), transactions);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();

    private static RpcException Refused(string message, int? retryAfterMs = null)
    {
        var trailers = new Metadata();
        if (retryAfterMs is { } wait)
        {
            trailers.Add(RetryAfterTrailer, wait.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new RpcException(new Status(StatusCode.ResourceExhausted, message), trailers);
    }
}
