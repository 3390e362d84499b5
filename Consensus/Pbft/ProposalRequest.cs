namespace VoteChain.Consensus.Pbft;

/// <summary>The engine, as primary, needs a block at this height whose parent is <see cref="PreviousHash"/>.</summary>
public sealed record ProposalRequest(ulong Height, ulong View, byte[] PreviousHash, uint Proposer);
