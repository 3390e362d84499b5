using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Benchmarks;

/// <summary>
/// The state tree's cost per block on RocksDB (docs/STATE-PROOFS.md, "The cost on the chain"): a real
/// <see cref="VoteChain.Storage.ChainStore"/> in a temporary folder holding a chain of <see cref="Votes"/> votes (three tree
/// records each), and one block of 10,000 new votes on it. <see cref="ComputeTree"/> is the tree update read through the
/// store (what a replica does before it votes on a block); <see cref="WriteBlock"/> is the block's synced write with its
/// nodes, stale index and pruning. The hash chain of format version 1 over the same changes is the baseline.
/// <para>
/// Each operation takes votes never seen before (a computed block is not written, and every written block is a new
/// one), so the nodes it reads are not warm from the operation before; the chain grows by one block per
/// <see cref="WriteBlock"/>. Building a chain of a million votes takes minutes, so the first process builds it once into
/// a template folder (named after the Storage and Consensus builds, so a rebuilt store builds anew) and every benchmark
/// process starts from a copy. Run in process: a generated project per case would only add its build (minutes on a
/// shared machine) to a measurement of seconds.
/// </para>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TreeOnRocksConfig))]
public class TreeOnRocksBenchmarks
{
    private string _root = "";
    private RocksVoteChain _chain = null!;
    private VoteBlock _block = null!;
    private TreeUpdate _tree = null!;
    private int _unwritten;

    [Params(100_000, 1_000_000)]
    public int Votes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), $"votechain-treeonrocks-{Guid.NewGuid():N}");
        var folder = Path.Combine(_root, "data");
        RocksChainTemplate.CopyTo(Votes, folder);
        _chain = new RocksVoteChain(folder, Votes);
        // Votes for blocks that are computed and never written: far above any the chain will hold.
        _unwritten = 100 * Votes;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _chain.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [IterationSetup(Targets = [nameof(HashChainRootOfFormat1), nameof(ComputeTree)])]
    public void NewUnwrittenBlock()
    {
        _block = _chain.Block(_unwritten, RocksVoteChain.VotesPerBlock);
        _unwritten += RocksVoteChain.VotesPerBlock;
    }

    [IterationSetup(Target = nameof(WriteBlock))]
    public void NextBlockWithItsTree()
    {
        _block = _chain.Block(_chain.Votes, RocksVoteChain.VotesPerBlock);
        _tree = _chain.Tree(_block);
    }

    [Benchmark(Baseline = true)]
    public byte[] HashChainRootOfFormat1() => HashChainRoot.Next(_chain.Store.StateRoot, _block.Height, _block.Changes);

    [Benchmark]
    public TreeUpdate ComputeTree() => _chain.Tree(_block);

    [Benchmark]
    public void WriteBlock() => _chain.Write(_block, _tree);
}

/// <summary>One operation per iteration (each is a block of seconds), six of them after one warm-up, in this process.</summary>
internal sealed class TreeOnRocksConfig : ManualConfig
{
    public TreeOnRocksConfig() => AddJob(Job.Default
        .WithStrategy(RunStrategy.Monitoring)
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(6)
        .WithToolchain(InProcessEmitToolchain.Instance));
}
