using VoteChain.Fuzzing.Targets;

namespace VoteChain.Fuzzing;

/// <summary>A fuzz target by the name scripts/fuzz.sh and the corpus folders use, and what it feeds.</summary>
/// <param name="Create">
/// Makes the target. Only ever called inside SharpFuzz's run loop (or a replay): instrumented code run before the
/// loop sets up afl-fuzz's shared memory would write its coverage through a null pointer.
/// </param>
internal sealed record FuzzTarget(string Name, string Description, Func<IFuzzTarget> Create);

/// <summary>Every fuzz target.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new("tx", "envelope bytes into TxDecoder.Decode", () => new TransactionTarget()),
        new("block", "serialized block at height 1 into ChainAuditor.Add", () => new BlockTarget()),
        new("consensus", "length-delimited consensus messages into validator 0's PbftEngine", () => new ConsensusTarget()),
        new("receipt", "receipt file bytes into ReceiptVerifier through the receipt report", () => new ReceiptTarget()),
        new("keyfile", "key file text into KeyFile.FromText", () => new KeyFileTarget()),
        new("genesis", "genesis file text into GenesisFile.FromText and GenesisValidator", () => new GenesisTarget()),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
