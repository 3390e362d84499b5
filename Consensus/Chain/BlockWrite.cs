using VoteChain.Consensus.State;

namespace VoteChain.Consensus.Chain;

/// <summary>
/// Everything a committed block writes, as one unit: the block bytes (with certificate), the indexes that find
/// it and its transactions, the state changes it made and the state root after it. Storage writes all of it in
/// one synced batch, so a crash leaves either the whole block or none of it.
/// </summary>
public sealed record BlockWrite(
    ulong Height,
    byte[] BlockHash,
    byte[] BlockBytes,
    IReadOnlyList<byte[]> TxIds,
    IReadOnlyList<StateChange> Changes,
    byte[] StateRoot);
