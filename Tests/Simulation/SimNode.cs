using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>One simulated validator: its key, engine, committed blocks and the sign-state it persisted.</summary>
internal sealed class SimNode
{
    public SimNode(int index, Ed25519KeyPair key, Ed25519KeyPair nextKey, SimLedger ledger)
    {
        Index = index;
        Key = key;
        NextKey = nextKey;
        Ledger = ledger;
    }

    /// <summary>The node's number in the simulation (its validator index while no change has moved it).</summary>
    public int Index { get; }

    public Ed25519KeyPair Key { get; }

    /// <summary>The key a planned rotation moves this node to; the engine holds both and signs with the one in force.</summary>
    public Ed25519KeyPair NextKey { get; }

    public IReadOnlyList<ISigner> Keys => [Key, NextKey];

    /// <summary>True when one of this node's keys is in <paramref name="set"/>.</summary>
    public bool IsIn(ValidatorSet set) => set.IndexOf(Key.PublicKey) is not null || set.IndexOf(NextKey.PublicKey) is not null;

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
