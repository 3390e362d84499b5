using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Storage.Tests;

/// <summary>
/// State snapshots: written from a store, restored into an empty folder that then holds the same state, proves it, and
/// goes on computing the same roots; and every way a lying peer could bend the records is refused with nothing left behind.
/// </summary>
public sealed class SnapshotTests : StoreFixture
{
    private string Snapshots => Path.Combine(Root, "snapshots");

    private string Restored => Path.Combine(Root, "restored");

    /// <summary>An election, <paramref name="voters"/> registered credentials (two records each with a ballot) and two transactions a block.</summary>
    private List<Consensus.Chain.BlockWrite> Build(ChainStore store, int voters, int blocks = 3)
    {
        var writes = new List<Consensus.Chain.BlockWrite> { Chain.Next(2, TestChain.Election(1)) };
        var perBlock = voters / (blocks - 1);
        for (var b = 0; b < blocks - 1; b++)
        {
            var height = Chain.Height + 1;
            var changes = Enumerable.Range(b * perBlock, perBlock).SelectMany(i => new[]
            {
                new StateChange(StateColumn.Credentials, StateKeys.Credential(TestChain.ElectionId, Voter(i)),
                    new CredentialRecord { Weight = 1, RegisteredHeight = height }.ToByteArray()),
                new StateChange(StateColumn.Ballots, StateKeys.Credential(TestChain.ElectionId, Voter(i)),
                    new BallotRecord { Option = (uint)(i % 2), Sequence = 1, Height = height, Counted = true, TxId = ByteString.CopyFrom(new byte[32]) }.ToByteArray()),
            }).Append(TestChain.Tally((ulong)((b + 1) * perBlock), 0)).ToArray();
            writes.Add(Chain.Next(2, changes));
        }

        foreach (var write in writes)
        {
            store.Write(write);
        }

        return writes;
    }

    private static byte[] Voter(int i) => [.. BitConverter.GetBytes(i), .. new byte[28]];

    private ChainStore Restore(SnapshotStore snapshots, SnapshotManifest manifest, ChainStore source, Func<int, SnapshotChunk, SnapshotChunk>? lie = null) =>
        SnapshotRestore.Restore(Restored, TestChain.ChainId, TestChain.GenesisHash, manifest, source.GetBlockBytes(manifest.Height)!, index =>
        {
            var bytes = snapshots.ReadChunk(manifest.Height, index)!;
            Assert.That(SnapshotChunks.Problem(manifest, index, bytes), Is.Null);
            var chunk = SnapshotChunks.Parse(bytes)!;
            return lie is null ? chunk : lie(index, chunk);
        });

    [Test]
    public void A_restored_store_holds_the_same_state_proves_it_and_goes_on_with_the_same_roots()
    {
        var source = Open();
        var writes = Build(source, 16_000);
        var snapshots = new SnapshotStore(Snapshots, kept: 2);

        var manifest = snapshots.Create(source);

        Assert.That(manifest.Height, Is.EqualTo(source.Height));
        Assert.That(manifest.StateRoot.ToByteArray(), Is.EqualTo(source.StateRoot));
        Assert.That(manifest.ChunkHashes, Has.Count.GreaterThan(1), "over a megabyte of records takes several chunks");
        Assert.That(manifest.Records, Is.EqualTo((ulong)(1 + 32_000 + 1 + writes.Sum(w => w.TxIds.Count))));
        var done = new List<int>();
        using var restored = SnapshotRestore.Restore(Restored, TestChain.ChainId, TestChain.GenesisHash, manifest,
            source.GetBlockBytes(manifest.Height)!, index => SnapshotChunks.Parse(snapshots.ReadChunk(manifest.Height, index))!, new SyncProgress(done));

        Assert.That(restored.Height, Is.EqualTo(source.Height));
        Assert.That(restored.StateRoot, Is.EqualTo(source.StateRoot));
        Assert.That(restored.HeadHash, Is.EqualTo(source.HeadHash));
        Assert.That(done, Is.EqualTo(Enumerable.Range(1, manifest.ChunkHashes.Count)));
        Assert.That(restored.GetTally(TestChain.ElectionId)!.ToByteArray(), Is.EqualTo(source.GetTally(TestChain.ElectionId)!.ToByteArray()));
        Assert.That(restored.GetBallot(TestChain.ElectionId, Voter(4_321))!.ToByteArray(), Is.EqualTo(source.GetBallot(TestChain.ElectionId, Voter(4_321))!.ToByteArray()));
        Assert.That(writes.SelectMany(w => w.TxIds).All(id => restored.HasTransaction(id)), Is.True, "replay protection comes along");
        var key = StateKeys.Credential(TestChain.ElectionId, Voter(17));
        Assert.That(StateProofs.Verify(restored.StateRoot, StateColumn.Ballots, key, restored.GetBallot(TestChain.ElectionId, Voter(17))!.ToByteArray(),
            restored.Prove(restored.Height, StateColumn.Ballots, key)), Is.Null);

        var next = Chain.Next(1, TestChain.Ballot(9, 1, Chain.Height + 1));
        Assert.That(BlockTreeChanges.Apply(restored, next.Height, next.Changes, next.TxIds).NewRoot, Is.EqualTo(next.StateRoot),
            "the next block's root, computed on the restored tree, is the one the chain computes");
        restored.Write(next);
        Assert.That(restored.Height, Is.EqualTo(next.Height));
    }

    [Test]
    public void A_changed_record_is_refused_even_when_the_peer_also_rewrote_the_manifest_and_nothing_is_left()
    {
        var source = Open();
        Build(source, 200);
        var snapshots = new SnapshotStore(Snapshots, kept: 2);
        var manifest = snapshots.Create(source);

        var error = Assert.Throws<StorageException>(() => SnapshotRestore.Restore(Restored, TestChain.ChainId, TestChain.GenesisHash, manifest,
            source.GetBlockBytes(manifest.Height)!, index =>
            {
                var chunk = SnapshotChunks.Parse(snapshots.ReadChunk(manifest.Height, index))!;
                var tally = chunk.Records.Single(r => r.Column == (uint)StateColumn.Tallies);
                tally.Value = new TallyRecord { OptionWeights = { 0, 200 }, CountedBallots = 200 }.ToByteString();
                return chunk;
            }));

        Assert.That(error!.Message, Does.Contain("does not rebuild that height's state root"));
        Assert.That(Directory.Exists(Restored), Is.False, "no half-written chain is left to start from");
    }

    [TestCase("dropped")]
    [TestCase("twice")]
    [TestCase("reordered")]
    [TestCase("height record")]
    public void Records_missing_repeated_out_of_order_or_of_a_column_a_snapshot_does_not_carry_are_refused(string lie)
    {
        var source = Open();
        Build(source, 200);
        var snapshots = new SnapshotStore(Snapshots, kept: 2);
        var manifest = snapshots.Create(source);

        var error = Assert.Throws<StorageException>(() => Restore(snapshots, manifest, source, (_, chunk) =>
        {
            var records = chunk.Records;
            switch (lie)
            {
                case "dropped": records.RemoveAt(5); break;
                case "twice": records.Insert(5, records[5]); break;
                case "reordered": (records[5], records[6]) = (records[6], records[5]); break;
                default: records.Add(new SnapshotRecord { Column = (uint)StateColumn.Chain, Key = ByteString.CopyFromUtf8("height"), Value = ByteString.CopyFrom(new byte[8]) }); break;
            }

            return chunk;
        }));

        Assert.That(error!.Message, lie == "dropped" ? Does.Contain("records, not the") : Does.Contain("chunk 0 of the snapshot holds"));
        Assert.That(Directory.Exists(Restored), Is.False);
    }

    [Test]
    public void A_block_other_than_the_one_the_manifest_names_and_a_folder_with_data_are_refused()
    {
        var source = Open();
        Build(source, 200);
        var snapshots = new SnapshotStore(Snapshots, kept: 2);
        var manifest = snapshots.Create(source);

        var wrongBlock = Assert.Throws<StorageException>(() => SnapshotRestore.Restore(Restored, TestChain.ChainId, TestChain.GenesisHash, manifest,
            source.GetBlockBytes(manifest.Height - 1)!, _ => throw new AssertionException("no chunk is asked for")));
        Assert.That(wrongBlock!.Message, Does.Contain("is not the block its manifest names"));

        Directory.CreateDirectory(Restored);
        File.WriteAllText(Path.Combine(Restored, "keep-me"), "operator's file");
        var notEmpty = Assert.Throws<StorageException>(() => Restore(snapshots, manifest, source));
        Assert.That(notEmpty!.Message, Does.Contain("is not empty"));
        Assert.That(File.ReadAllText(Path.Combine(Restored, "keep-me")), Is.EqualTo("operator's file"));
    }

    [Test]
    public void A_restore_cut_off_midway_leaves_a_folder_that_refuses_to_open_with_what_to_do()
    {
        var source = Open();
        Build(source, 200);
        var snapshots = new SnapshotStore(Snapshots, kept: 2);
        var manifest = snapshots.Create(source);
        var killed = Path.Combine(Root, "killed");
        Directory.CreateDirectory(Restored);

        // A restore that stops after its first chunk, as a kill would leave it: the folder is copied while it runs.
        Assert.Throws<StorageException>(() => Restore(snapshots, manifest, source, (_, chunk) =>
        {
            CopyFolder(Restored, killed);
            throw new StorageException("cut off");
        }));
        Assert.That(Directory.Exists(killed), Is.True);

        var error = Assert.Throws<StorageException>(() => Open(killed));

        Assert.That(error!.Message, Is.EqualTo($"data folder {killed} holds a state sync that was interrupted before it finished; "
            + "empty it (votechain reset) and start the node again"));
    }

    [Test]
    public void Only_the_newest_snapshots_are_kept_and_listed_newest_first()
    {
        var source = Open();
        var snapshots = new SnapshotStore(Snapshots, kept: 2);
        var heights = new List<ulong>();
        for (var i = 0; i < 4; i++)
        {
            source.Write(Chain.Next(1, TestChain.Tally((ulong)i)));
            heights.Add(snapshots.Create(source).Height);
        }

        Assert.That(snapshots.List().Select(m => m.Height), Is.EqualTo(new[] { heights[3], heights[2] }));
        Assert.That(snapshots.ReadChunk(heights[0], 0), Is.Null, "pruned");
        Assert.That(snapshots.Create(source).ChunkHashes, Is.EqualTo(snapshots.List()[0].ChunkHashes), "a kept height is not written again");
        Assert.That(Assert.Throws<StorageException>(() => new SnapshotStore(Path.Combine(Root, "other"), 1).Create(Open(Path.Combine(Root, "empty"))))!.Message,
            Does.Contain("needs a committed block"));
    }

    [Test]
    public void Manifests_and_chunks_from_a_peer_are_checked_before_they_are_trusted()
    {
        var manifest = new SnapshotManifest { Format = SnapshotLimits.Format, Height = 5, BlockHash = ByteString.CopyFrom(new byte[32]), StateRoot = ByteString.CopyFrom(new byte[32]) };
        var chunk = new SnapshotChunk { Records = { new SnapshotRecord { Column = 1, Key = ByteString.CopyFromUtf8("e"), Value = ByteString.Empty } } }.ToByteArray();
        manifest.ChunkHashes.Add(ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(chunk)));
        manifest.Records = 1;

        Assert.That(SnapshotChunks.ManifestProblem(manifest), Is.Null);
        Assert.That(SnapshotChunks.Problem(manifest, 0, chunk), Is.Null);
        Assert.That(SnapshotChunks.Problem(manifest, 1, chunk), Does.Contain("no chunk 1"));
        chunk[^1] ^= 1;
        Assert.That(SnapshotChunks.Problem(manifest, 0, chunk), Does.Contain("its hash differs"));
        Assert.That(SnapshotChunks.Problem(manifest, 0, new byte[SnapshotLimits.MaxChunkBytes + 1]), Does.Contain("over the"));
        Assert.That(SnapshotChunks.Parse([0xFF, 0xFF]), Is.Null);

        Assert.That(SnapshotChunks.ManifestProblem(new SnapshotManifest(manifest) { Format = 2 }), Does.Contain("format"));
        Assert.That(SnapshotChunks.ManifestProblem(new SnapshotManifest(manifest) { Height = 0 }), Does.Contain("height 0"));
        Assert.That(SnapshotChunks.ManifestProblem(new SnapshotManifest(manifest) { StateRoot = ByteString.CopyFrom(new byte[31]) }), Does.Contain("32 bytes"));
        Assert.That(SnapshotChunks.ManifestProblem(new SnapshotManifest(manifest) { Records = ulong.MaxValue }), Does.Contain("more records"));
        var tooMany = new SnapshotManifest(manifest);
        tooMany.ChunkHashes.AddRange(Enumerable.Repeat(ByteString.CopyFrom(new byte[32]), SnapshotLimits.MaxChunks));
        Assert.That(SnapshotChunks.ManifestProblem(tooMany), Does.Contain("chunks"));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private sealed class SyncProgress(List<int> done) : IProgress<int>
    {
        public void Report(int value) => done.Add(value);
    }
}
