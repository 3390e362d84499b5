namespace VoteChain.Networking.Peers;

/// <summary>
/// What received gossip may hold while it waits for verification, node-wide: each validator has one share of bytes
/// across all its streams (a validator can open many), and only a few streams' transactions are verified at once, each
/// waiting for its turn without holding a thread. Strangers' streams queue nothing: they are read only as fast as their
/// transactions are verified, so HTTP/2 flow control bounds what they hold (review finding: a queue per stream let one
/// address buffer 8 MiB on each of hundreds of streams).
/// </summary>
internal sealed class GossipReceiveBudget
{
    /// <summary>Bytes one validator's streams may have waiting together: many blocks of votes, a fixed cost per validator.</summary>
    public const long BytesPerValidator = 8L << 20;

    private readonly long[] _waiting;

    public GossipReceiveBudget(int validators)
    {
        _waiting = new long[validators];
    }

    /// <summary>Streams whose transactions are verified at the same time: the admission threads have one core each.</summary>
    public SemaphoreSlim Verifying { get; } = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>Takes <paramref name="bytes"/> from the validator's share, or false when the share has no room for them.</summary>
    public bool TryTake(int validator, long bytes)
    {
        lock (_waiting)
        {
            if (_waiting[validator] + bytes > BytesPerValidator)
            {
                return false;
            }

            _waiting[validator] += bytes;
            return true;
        }
    }

    public void Release(int validator, long bytes)
    {
        lock (_waiting)
        {
            _waiting[validator] -= bytes;
        }
    }
}
