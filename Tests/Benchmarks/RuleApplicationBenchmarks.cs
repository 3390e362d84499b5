using BenchmarkDotNet.Attributes;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Transactions;

namespace VoteChain.Benchmarks;

/// <summary>
/// Applying a block of already-verified votes to committed state: the single-threaded part of committing a
/// block once signatures are checked. One operation = one whole block.
/// </summary>
[MemoryDiagnoser]
public class RuleApplicationBenchmarks
{
    private BenchmarkChain _chain = null!;
    private List<VerifiedTx> _votes = null!;

    [Params(10_000)]
    public int Votes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _chain = new BenchmarkChain(Votes);
        _votes = _chain.SignedVotes().Select(_chain.Decode).ToList();
    }

    [Benchmark]
    public BlockResult ApplyBlockOfVerifiedVotes()
    {
        var result = BlockExecutor.Execute(_chain.State, _chain.Rules, _chain.NextBlock, _votes);
        return result.Value ?? throw new InvalidOperationException(result.Rejection!.ToString());
    }
}
