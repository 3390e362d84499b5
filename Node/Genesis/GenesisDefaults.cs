using VoteChain.Protos.V1;

namespace VoteChain.Node.Genesis;

/// <summary>Consensus parameters a new genesis starts with; operators may edit them before the chain starts.</summary>
public static class GenesisDefaults
{
    public static ConsensusParams Params() => new()
    {
        // 1 MiB: about 5,000 votes of ~200 bytes, small enough to gossip to every validator well within a second.
        MaxBlockBytes = 1 << 20,

        // A cap on work per block (signature checks, state writes) even when transactions are tiny.
        MaxBlockTxs = 10_000,

        // Long enough for a loaded validator on a WAN to propose; short enough that a dead primary costs ~2 s.
        ProposeTimeoutMs = 2_000,

        // At most one empty block a second keeps block time (which opens and closes elections) moving.
        BlockIntervalMs = 1_000,

        // Tolerates NTP-synced clocks that disagree by seconds, not a proposer pushing time minutes ahead.
        MaxClockDriftMs = 5_000,
    };
}
