using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Consensus.Chain;

/// <summary>
/// Everything a committed block writes, as one unit: the block bytes (with certificate), the indexes that find
/// it and its transactions, the state changes it made, the state root after it and the state tree's nodes that root
/// stands on. Storage writes all of it in one synced batch, so a crash leaves either the whole block or none of it.
/// </summary>
/// <param name="Tree">The tree's next version (<see cref="Rules.BlockResult.Tree"/>); null only where a test stores blocks
/// without executing them, and then no proof can be made from that store.</param>
public sealed record BlockWrite(
    ulong Height,
    byte[] BlockHash,
    byte[] BlockBytes,
    IReadOnlyList<byte[]> TxIds,
    IReadOnlyList<StateChange> Changes,
    byte[] StateRoot,
    TreeUpdate? Tree = null);
