using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Governance;

/// <summary>
/// The consensus parameters governance may set (docs/GOVERNANCE.md). Block limits may only shrink from genesis: peers
/// size their gRPC message limits from the genesis values when they start. Timeouts keep a dead primary from stalling
/// the chain for long, and a slow link from starving it with view changes.
/// </summary>
public static class ParamsBounds
{
    public const uint MinBlockBytes = 64 * 1024;
    public const uint MinTimeoutMs = 200;
    public const uint MaxTimeoutMs = 60_000;
    public const uint MinIntervalMs = 100;
    public const uint MinDriftMs = 100;

    /// <summary>Null when every field is within its bounds; else the first that is not, as a phrase.</summary>
    public static string? Problem(ConsensusParams proposed, ConsensusParams genesis) =>
        proposed.MaxBlockTxs is 0 || proposed.MaxBlockTxs > genesis.MaxBlockTxs
            ? $"max_block_txs must be 1 to the genesis value {genesis.MaxBlockTxs}"
        : proposed.MaxBlockBytes < Math.Min(MinBlockBytes, genesis.MaxBlockBytes) || proposed.MaxBlockBytes > genesis.MaxBlockBytes
            ? $"max_block_bytes must be {Math.Min(MinBlockBytes, genesis.MaxBlockBytes)} to the genesis value {genesis.MaxBlockBytes}"
        : proposed.ProposeTimeoutMs is < MinTimeoutMs or > MaxTimeoutMs
            ? $"propose_timeout_ms must be {MinTimeoutMs} to {MaxTimeoutMs}"
        : proposed.BlockIntervalMs != 0 && proposed.BlockIntervalMs is < MinIntervalMs or > MaxTimeoutMs
            ? $"block_interval_ms must be 0 or {MinIntervalMs} to {MaxTimeoutMs}"
        : proposed.MaxClockDriftMs is < MinDriftMs or > MaxTimeoutMs
            ? $"max_clock_drift_ms must be {MinDriftMs} to {MaxTimeoutMs}"
        : null;
}
