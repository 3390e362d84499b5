using BenchmarkDotNet.Attributes;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Benchmarks;

/// <summary>
/// The cost per block of the state tree (docs/STATE-PROOFS.md) against the hash-chain root of format version 1 over the same changes:
/// one operation = one block's changes applied to a tree of <see cref="Records"/> records held in memory. The update is
/// computed, not committed, so every operation starts from the same tree. Setup prints what the block writes.
/// </summary>
[MemoryDiagnoser]
public class StateTreeBenchmarks
{
    private StateTreeWorkload _workload = null!;

    [Params(100_000, 1_000_000)]
    public int Records { get; set; }

    [Params(1_000, 10_000)]
    public int Changes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new StateTreeWorkload(Records, Changes);
        var update = ApplyBlockToTree();
        Console.WriteLine($"// block of {Changes} on {Records}: {update.NewNodes.Count} new nodes, {update.NewNodes.Sum(n => n.Key.Length + n.Value.Length)} bytes, {update.StaleNodes.Count} stale");
    }

    [Benchmark(Baseline = true)]
    public byte[] HashChainRootOfFormat1() => HashChainRoot.Next(_workload.Root, 2, _workload.Block);

    [Benchmark]
    public TreeUpdate ApplyBlockToTree() => StateTree.Apply(_workload.Store, 1, 2, _workload.Block);
}

/// <summary>Proving one record present (a ballot) against a tree of <see cref="Records"/> records, and checking the proof.</summary>
[MemoryDiagnoser]
public class StateProofBenchmarks
{
    private StateTreeWorkload _workload = null!;
    private StateProof _proof = null!;
    private byte[] _value = null!;
    private int _next;

    [Params(100_000, 1_000_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new StateTreeWorkload(Records, 0);
        var proofs = _workload.Keys.Take(1_000).Select(k => StateTree.Prove(_workload.Store, 1, StateColumn.Ballots, k)).ToList();
        Console.WriteLine($"// proofs on {Records}: {proofs.Average(p => p.Siblings.Count):F1} siblings on average, at most {proofs.Max(p => p.Siblings.Count)}; {proofs.Average(p => p.CalculateSize()):F0} bytes on average");
        _proof = proofs[0];
        _value = _workload.Values[0];
        if (Verify() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    [Benchmark]
    public StateProof Prove() => StateTree.Prove(_workload.Store, 1, StateColumn.Ballots, _workload.Keys[_next++ % 1_000]);

    [Benchmark]
    public string? Verify() => StateProofs.Verify(_workload.Root, StateColumn.Ballots, _workload.Keys[0], _value, _proof);
}
