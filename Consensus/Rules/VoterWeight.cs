namespace VoteChain.Consensus.Rules;

/// <summary>A voter's weight as the wire gives it: 0 means the default weight 1 (proto3 leaves a 0 off the wire).</summary>
public static class VoterWeight
{
    public static ulong Effective(ulong weight) => weight == 0 ? 1 : weight;
}
