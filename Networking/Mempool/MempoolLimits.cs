namespace VoteChain.Networking.Mempool;

/// <summary>Bounds on pending transactions: a full pool refuses new ones with MEMPOOL_FULL rather than grow.</summary>
public sealed record MempoolLimits(int MaxTransactions = 100_000, long MaxBytes = 64L * 1024 * 1024, int MaxTxBytes = 256 * 1024);
