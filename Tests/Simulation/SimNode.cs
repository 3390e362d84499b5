using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>One simulated validator: its key, engine, committed blocks and the sign-state it persisted.</summary>
internal sealed class SimNode
{
    public SimNode(int index, Ed25519KeyPair key, SimLedger ledger)
    {
        Index = index;
        Key = key;
        Ledger = ledger;
    }

    public int Index { get; }

    public Ed25519KeyPair Key { get; }

    public SimLedger Ledger { get; }

    public PbftEngine Engine { get; set; } = null!;

    /// <summary>What survives a crash besides the ledger: the last sign-state the engine asked to persist.</summary>
    public SignState? Persisted { get; set; }

    public bool Up { get; set; } = true;

    public Byzantine? Behavior { get; set; }

    public bool Honest => Behavior is null;

    /// <summary>Messages seen from earlier heights, which a replaying liar sends again.</summary>
    public List<ConsensusMessage> History { get; } = [];

    public ulong HeightAtHeal { get; set; }

    /// <summary>Peers this node's block sync leaves alone until the given tick.</summary>
    public Dictionary<int, long> DemotedUntil { get; } = [];
}
