namespace VoteChain.Consensus.Rules;

/// <summary>The block a transaction is applied in: its height and its block time (the only clock rules see).</summary>
public readonly record struct BlockContext(ulong Height, long TimeUnixMs);
