namespace VoteChain.Networking.Mempool;

/// <summary>
/// Bounds on pending transactions: a full pool refuses new ones with MEMPOOL_FULL rather than grow; and on the
/// envelopes remembered as refused (see <see cref="RefusalCache"/>).
/// </summary>
public sealed record MempoolLimits(
    int MaxTransactions = 100_000,
    long MaxBytes = 64L * 1024 * 1024,
    int MaxTxBytes = 256 * 1024,
    int RefusalCacheEntries = RefusalCache.DefaultCapacity);
