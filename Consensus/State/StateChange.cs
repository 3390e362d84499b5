namespace VoteChain.Consensus.State;

/// <summary>One key written by a block: the serialized record that replaces whatever the key held.</summary>
public sealed record StateChange(StateColumn Column, byte[] Key, byte[] Value);
