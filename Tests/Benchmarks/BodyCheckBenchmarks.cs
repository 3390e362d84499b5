using BenchmarkDotNet.Attributes;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Benchmarks;

/// <summary>
/// What binding a body to its header costs: hashing every transaction and the Merkle root of a full block of
/// 10,000 signed votes (each PrePrepare, prepared block and fetched block pays it once), next to applying such a
/// block (RuleApplicationBenchmarks) and verifying its signatures.
/// </summary>
[MemoryDiagnoser]
public class BodyCheckBenchmarks
{
    private ParsedBlock _block = null!;
    private BlockLimits _limits = null!;

    [GlobalSetup]
    public void Setup()
    {
        var chain = new BenchmarkChain(10_000);
        var votes = chain.SignedVotes();
        _block = BlockCodec.Build(BenchmarkChain.ChainId, 1, new byte[32], BenchmarkChain.Now, 0, votes,
            votes.Select(v => Hashing.Sha256(v)).ToList(), new byte[32]);
        _limits = new BlockLimits(10_000, 4 << 20, 5_000);
    }

    [Benchmark]
    public string? BodyAgainstHeaderOf10000Votes() => BlockValidity.BodyProblem(_block, _limits);
}
