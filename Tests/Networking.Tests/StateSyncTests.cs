using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Networking.Peers;
using VoteChain.Networking.StateSync;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Networking.Tests;

/// <summary>
/// State sync over real gRPC on 127.0.0.1 from nodes serving real snapshots of a real chain on disk (docs/STATE-SYNC.md):
/// a chunk that fails its manifest hash is refused and fetched from another peer, the liar dropped; a manifest that does
/// not name the certified block is passed over; with no honest peer the restore fails and leaves no data behind.
/// </summary>
[NonParallelizable]
public sealed class StateSyncTests
{
    private const int Padding = 8;

    private string _folder = "";
    private ApiChain _chain = null!;
    private SnapshotManifest _manifest = null!;
    private string _honest = "";
    private readonly List<string> _lines = [];

    [OneTimeSetUp]
    public void MakeChainAndSnapshot()
    {
        _folder = Directory.CreateTempSubdirectory("votechain-statesync-").FullName;
        _chain = new ApiChain(Path.Combine(_folder, "chain"));
        _chain.Commit(_chain.CreateElection());
        var voters = Enumerable.Range(0, 50).Select(_chain.Voter).ToArray();
        _chain.Commit(_chain.Register(ApiChain.Election, voters));
        _chain.Commit([.. voters.Select((v, i) => ApiChain.Vote(ApiChain.Election, v, (uint)(i % 3)))]);
        // Large records, as secret elections' key generation writes, so that the snapshot takes several 1 MiB chunks.
        var padding = Enumerable.Range(0, Padding).Select(i => new StateChange(StateColumn.Secrets, StateKeys.Secret($"pad-{i}"),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000))).ToList();
        _chain.Commit(padding);
        _honest = Path.Combine(_folder, "honest");
        _manifest = new SnapshotStore(_honest, 2).Create(_chain.Store);
        Assert.That(_manifest.ChunkHashes, Has.Count.GreaterThan(1), "a snapshot of several chunks, spread over the peers");
    }

    [OneTimeTearDown]
    public void RemoveChain()
    {
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [SetUp]
    public void ClearLines() => _lines.Clear();

    [Test]
    public async Task A_liars_bad_chunk_is_refused_and_fetched_from_an_honest_peer_and_the_state_is_the_chains()
    {
        await using var liar = await HostAsync(Tampered("liar", [.. Enumerable.Range(0, _manifest.ChunkHashes.Count)]));
        await using var honest = await HostAsync(_honest);
        var target = NewFolder();

        // Listed first, the liar is asked first for every other chunk: the first one it serves drops it.
        var outcome = await RunAsync(target, liar, honest);

        Assert.That(outcome.Restored?.Height, Is.EqualTo(_chain.Store.Height));
        Assert.That(_lines, Has.One.Contains($"dropped peer {liar.Address}").And.Contains("is not the one the manifest names"));
        Assert.That(outcome.Peers, Is.EqualTo(1), "only the honest peer is left");
        using var store = ChainStore.Open(target, ApiChain.ChainId, ApiChain.GenesisHash);
        Assert.That((store.Height, store.HeadHash, store.StateRoot), Is.EqualTo((_chain.Store.Height, _chain.Store.HeadHash, _chain.Store.StateRoot)));
        Assert.That(store.GetTally(ApiChain.Election), Is.EqualTo(_chain.Store.GetTally(ApiChain.Election)));
        Assert.That(store.GetTally(ApiChain.Election)!.CountedBallots, Is.EqualTo(50UL));
        Assert.That((store.OldestBlock, store.GetBlockBytes(store.Height - 1)), Is.EqualTo((store.Height, (byte[]?)null)),
            "the block of the snapshot's height is its oldest");
    }

    [Test]
    public async Task With_only_a_liar_offering_the_snapshot_the_restore_fails_and_leaves_no_data()
    {
        await using var liar = await HostAsync(Tampered("only-liar", [1]));
        var target = NewFolder();

        var failed = await Assert.ThrowsAsync<StateSyncException>(() => RunAsync(target, liar));

        Assert.That(failed!.Message, Does.StartWith("no snapshot offered could be verified and restored").And.Contains("no peer served chunk 1"));
        Assert.That(Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any(), Is.False);
    }

    [Test]
    public async Task A_manifest_that_does_not_name_the_certified_blocks_state_root_is_passed_over_for_the_honest_one()
    {
        var forged = Tampered("forged-root", []);
        var manifestPath = Path.Combine(SnapshotFolder(forged), "manifest.bin");
        var manifest = SnapshotManifest.Parser.ParseFrom(await File.ReadAllBytesAsync(manifestPath));
        manifest.StateRoot = ByteString.CopyFrom(new byte[32]);
        await File.WriteAllBytesAsync(manifestPath, manifest.ToByteArray());
        await using var liar = await HostAsync(forged);
        await using var honest = await HostAsync(_honest);

        var outcome = await RunAsync(NewFolder(), liar, honest);

        Assert.That(outcome.Restored, Is.EqualTo(_manifest));
        Assert.That(_lines, Has.Some.Contains("failed").And.Contains("state root is not the snapshot's"));
    }

    [Test]
    public void A_block_certified_by_another_set_is_refused()
    {
        using var stranger = Ed25519KeyPair.Generate();
        var block = Consensus.Chain.BlockCodec.Parse(_chain.Store.GetBlockBytes(_manifest.Height)!).Value!;

        Assert.That(SnapshotBlockCheck.Problem(_manifest, block.Block.ToByteArray(), ApiChain.ChainId, out var parsed), Is.Null);
        Assert.That(SnapshotBlockCheck.CertificateProblem(parsed!, _chain.Validators, ApiChain.ChainId), Is.Null);
        Assert.That(SnapshotBlockCheck.CertificateProblem(parsed!, new Consensus.Pbft.ValidatorSet([stranger.PublicKey]), ApiChain.ChainId),
            Does.StartWith($"block {_manifest.Height}'s commit certificate does not verify"));
        Assert.That(SnapshotBlockCheck.Problem(_manifest, block.Block.ToByteArray(), "other-chain", out _), Does.Contain("another chain"));
    }

    [Test]
    public async Task No_snapshot_on_offer_or_no_answer_is_said_in_one_line_and_nothing_is_written()
    {
        await using var bare = await HostAsync(snapshots: null);
        var target = NewFolder();

        var none = await RunAsync(target, bare);
        var silent = await new StateSyncClient([new SnapshotPeer("http://127.0.0.1:1", 1 << 20)], _chain.Validators, ApiChain.ChainId,
            ApiChain.GenesisHash, _lines.Add) { AnswerWait = TimeSpan.FromSeconds(1) }.RunAsync(target, CancellationToken.None);

        Assert.That(none.NoSnapshot, Is.EqualTo("none of the 1 peers that answered offers a snapshot"));
        Assert.That(silent.NoSnapshot, Is.EqualTo("none of the 1 peers answered within 1 s"));
        Assert.That(Directory.Exists(target), Is.False);
    }

    [Test]
    public async Task A_chunk_the_node_does_not_keep_is_not_found()
    {
        await using var honest = await HostAsync(_honest);

        var listed = await honest.Client.ListSnapshotsAsync(new ListSnapshotsRequest());
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await honest.Client.GetSnapshotChunkAsync(new GetSnapshotChunkRequest { Height = _manifest.Height, Index = (uint)_manifest.ChunkHashes.Count }));

        Assert.That(listed.Snapshots, Is.EqualTo(new[] { _manifest }));
        Assert.That(missing!.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    private async Task<StateSyncOutcome> RunAsync(string target, params PeerHost[] hosts)
    {
        var peers = hosts.Select(h => new SnapshotPeer(h.Address, PeerLimits.MaxBlocksResponseBytes(new ConsensusParams { MaxBlockBytes = 1 << 20 })))
            .ToList();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await new StateSyncClient(peers, _chain.Validators, ApiChain.ChainId, ApiChain.GenesisHash, _lines.Add)
                .RunAsync(target, deadline.Token);
        }
        finally
        {
            peers.ForEach(p => p.Dispose());
        }
    }

    private Task<PeerHost> HostAsync(string? snapshots) =>
        PeerHost.StartAsync(_chain, new ManualClock(), snapshots: snapshots is null ? null : new ServedSnapshots(new SnapshotStore(snapshots, 2)));

    /// <summary>A copy of the honest snapshot folder with one byte of each of <paramref name="chunks"/> flipped.</summary>
    private string Tampered(string name, int[] chunks)
    {
        var copy = Path.Combine(_folder, name);
        var snapshot = SnapshotFolder(_honest);
        var target = Path.Combine(copy, Path.GetFileName(snapshot));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(snapshot))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var index in chunks)
        {
            var path = Path.Combine(target, $"chunk-{index:D6}.bin");
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(path, bytes);
        }

        return copy;
    }

    private static string SnapshotFolder(string snapshots) => Directory.GetDirectories(snapshots).Single(d => !Path.GetFileName(d).StartsWith('.'));

    private string NewFolder() => Path.Combine(_folder, "restored-" + Guid.NewGuid().ToString("N")[..8]);
}
