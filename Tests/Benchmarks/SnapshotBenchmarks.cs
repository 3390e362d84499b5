using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Benchmarks;

/// <summary>
/// State snapshots of a chain of <see cref="Votes"/> votes, on RocksDB in a temporary folder (docs/STATE-SYNC.md): making
/// one from the store, and restoring it into an empty folder (every record written, the tree rebuilt and its root
/// checked). The chain is a <see cref="RocksVoteChain"/>, 10,000 votes a block. Setup prints the chain's build time and
/// the snapshot's size.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3)]
public class SnapshotBenchmarks
{
    private string _root = "";
    private RocksVoteChain _chain = null!;
    private ChainStore _store = null!;
    private SnapshotStore _snapshots = null!;
    private SnapshotManifest _manifest = null!;
    private int _restores;

    [Params(100_000, 1_000_000)]
    public int Votes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), $"votechain-snapshot-bench-{Guid.NewGuid():N}");
        _chain = new RocksVoteChain(Path.Combine(_root, "data"));
        _store = _chain.Store;
        var started = System.Diagnostics.Stopwatch.StartNew();
        _chain.GrowTo(Votes);
        var built = started.Elapsed;
        _snapshots = new SnapshotStore(Path.Combine(_root, "snapshots"), kept: 1);
        started.Restart();
        _manifest = _snapshots.Create(_store);
        var bytes = Directory.GetFiles(Path.Combine(_root, "snapshots"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"// {Votes} votes: chain of {_store.Height} blocks built in {built.TotalSeconds:F1} s; snapshot of {_manifest.Records} records, "
            + $"{_manifest.ChunkHashes.Count} chunks, {bytes / 1e6:F1} MB, made in {started.Elapsed.TotalSeconds:F1} s");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _chain.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark]
    public SnapshotManifest MakeSnapshot()
    {
        // A kept height is not written again: drop it first, so each operation writes the whole snapshot.
        Directory.Delete(_snapshots.Folder, recursive: true);
        return _snapshots.Create(_store);
    }

    [Benchmark]
    public ulong RestoreSnapshot()
    {
        var folder = Path.Combine(_root, $"restored-{_restores++}");
        using var restored = SnapshotRestore.Restore(folder, RocksVoteChain.ChainId, RocksVoteChain.GenesisHash, _manifest, _store.GetBlockBytes(_manifest.Height)!,
            index => SnapshotChunks.Parse(_snapshots.ReadChunk(_manifest.Height, index))!);
        var height = restored.Height;
        restored.Dispose();
        Directory.Delete(folder, recursive: true);
        return height;
    }
}
