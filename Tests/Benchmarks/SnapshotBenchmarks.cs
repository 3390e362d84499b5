using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Benchmarks;

/// <summary>
/// State snapshots of a chain of <see cref="Votes"/> votes, on RocksDB in a temporary folder (docs/STATE-SYNC.md): making
/// one from the store, and restoring it into an empty folder (every record written, the tree rebuilt and its root
/// checked). Each vote leaves what the rules leave: its credential's registration, its ballot and its transaction's id;
/// the chain is written through <see cref="ChainStore.Write"/> with its real state tree, 10,000 votes a block. Setup
/// prints the chain's build time and the snapshot's size.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3)]
public class SnapshotBenchmarks
{
    private const string ChainId = "snapshot-bench";
    private const string Election = "election-1";
    private const int VotesPerBlock = 10_000;
    private static readonly byte[] GenesisHash = SHA256.HashData("snapshot-bench"u8);

    private string _root = "";
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
        _store = ChainStore.Open(Path.Combine(_root, "data"), ChainId, GenesisHash);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var previous = GenesisHash;
        for (var first = 0; first < Votes; first += VotesPerBlock)
        {
            previous = WriteBlock(first, Math.Min(VotesPerBlock, Votes - first), previous);
        }

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
        _store.Dispose();
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
        using var restored = SnapshotRestore.Restore(folder, ChainId, GenesisHash, _manifest, _store.GetBlockBytes(_manifest.Height)!,
            index => SnapshotChunks.Parse(_snapshots.ReadChunk(_manifest.Height, index))!);
        var height = restored.Height;
        restored.Dispose();
        Directory.Delete(folder, recursive: true);
        return height;
    }

    private byte[] WriteBlock(int first, int count, byte[] previous)
    {
        var height = _store.Height + 1;
        var changes = new List<StateChange>(2 * count + 1);
        var txIds = new List<byte[]>(count);
        for (var i = first; i < first + count; i++)
        {
            var voter = SHA256.HashData(BitConverter.GetBytes(i));
            var txId = SHA256.HashData(voter);
            var key = StateKeys.Credential(Election, voter);
            changes.Add(new StateChange(StateColumn.Credentials, key, new CredentialRecord { Weight = 1, RegisteredHeight = height }.ToByteArray()));
            changes.Add(new StateChange(StateColumn.Ballots, key, new BallotRecord
            {
                Option = (uint)(i % 3), Sequence = 1, TxId = ByteString.CopyFrom(txId), Height = height, Counted = true,
            }.ToByteArray()));
            txIds.Add(txId);
        }

        changes.Add(new StateChange(StateColumn.Tallies, StateKeys.Tally(Election),
            new TallyRecord { OptionWeights = { (ulong)(first + count), 0, 0 }, CountedBallots = (ulong)(first + count) }.ToByteArray()));
        changes.Sort(StateChangeOrder.Instance);
        var tree = BlockTreeChanges.Apply(_store, height, changes, txIds);
        var block = BlockCodec.Build(ChainId, height, previous, 1_800_000_000_000 + (long)height, 0, [], [], tree.NewRoot);
        _store.Write(new BlockWrite(height, block.Hash, block.Block.ToByteArray(), txIds, changes, tree.NewRoot, tree));
        return block.Hash;
    }
}
