using VoteChain.Consensus.State;

namespace VoteChain.Consensus.Rules;

/// <summary>What applying a block's transactions produced: the canonical state changes and the new state root.</summary>
public sealed record BlockResult(IReadOnlyList<StateChange> Changes, byte[] StateRoot);
