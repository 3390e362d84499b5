namespace VoteChain.Consensus.Crypto;

/// <summary>
/// How the node's parallel loops over signatures, keys and proofs run: at most one worker per core each. An unbounded
/// loop takes every thread the pool has, and under load the pool's other work (reading a peer's stream, stamping a
/// proposal's arrival) then waited seconds for a thread; more workers than cores would check nothing faster.
/// </summary>
public static class ParallelChecks
{
    public static ParallelOptions Options { get; } = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };
}
