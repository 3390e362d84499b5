using VoteChain.Consensus.Chain;

namespace VoteChain.Node.Driver;

/// <summary>
/// What the driver reports of each block it committed, for the node's metrics: the block as written, the time its
/// commit took on the consensus thread (execution reused or run, the synced write, the mempool's re-check) and the
/// part of that spent in the store's synced write batch.
/// </summary>
internal sealed record BlockCommitted(BlockWrite Block, TimeSpan CommitTime, TimeSpan WriteTime);
