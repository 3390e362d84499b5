using RocksDbSharp;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Storage.Tests;

/// <summary>
/// The state tree on disk: each block writes its version in the block's own batch, proofs read any kept version, and
/// versions older than <see cref="ChainStore.KeptTreeVersions"/> before the head are pruned, also across a restart.
/// </summary>
public sealed class StateTreeStoreTests : StoreFixture
{
    private static readonly byte[] BallotKey = StateKeys.Credential(TestChain.ElectionId, TestChain.Credential(1));

    /// <summary>
    /// Block h rewrites one ballot (option h) and one of eight credentials and holds no transaction (each would add a
    /// leaf), so every version leaves stale nodes and the live tree keeps its size.
    /// </summary>
    private Dictionary<ulong, (byte[] Root, byte[] Ballot)> WriteBlocks(ChainStore store, int count, Dictionary<ulong, (byte[] Root, byte[] Ballot)>? history = null)
    {
        history ??= [];
        for (var i = 0; i < count; i++)
        {
            var height = Chain.Height + 1;
            var ballot = TestChain.Ballot(1, (uint)height, height);
            var commit = Chain.Next(0, ballot, TestChain.Registered((byte)(height % 8 + 2), height));
            store.Write(commit);
            history[height] = (commit.StateRoot, ballot.Value);
        }

        return history;
    }

    [Test]
    public void A_record_is_proven_at_the_head_and_at_every_kept_height_against_that_heights_root()
    {
        var store = Open();
        var history = WriteBlocks(store, 60);
        var head = store.Height;

        for (var height = head - ChainStore.KeptTreeVersions; height <= head; height++)
        {
            var (root, ballot) = history[height];
            var proof = store.Prove(height, StateColumn.Ballots, BallotKey);
            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, BallotKey, ballot, proof), Is.Null, $"height {height}");
        }

        Assert.That(store.StateRoot, Is.EqualTo(history[head].Root));
        var absent = store.Prove(head, StateColumn.Ballots, StateKeys.Credential(TestChain.ElectionId, TestChain.Credential(200)));
        Assert.That(StateProofs.Verify(store.StateRoot, StateColumn.Ballots, StateKeys.Credential(TestChain.ElectionId, TestChain.Credential(200)), null, absent), Is.Null,
            "a credential that never voted is proven absent");
    }

    [Test]
    public void Versions_older_than_the_kept_ones_are_pruned_and_stay_pruned_across_a_restart()
    {
        var store = Open();
        WriteBlocks(store, 50);
        var pruned = store.Height - ChainStore.KeptTreeVersions - 1;

        Assert.That(store.Prove(pruned, StateColumn.Ballots, BallotKey), Is.Null, "pruned");
        Assert.That(store.Prove(pruned + 1, StateColumn.Ballots, BallotKey), Is.Not.Null, "the oldest kept");
        Assert.That(store.Prove(store.Height + 1, StateColumn.Ballots, BallotKey), Is.Null, "not written yet");

        store.Dispose();
        var afterFifty = CountNodes();
        var reopened = Open();
        WriteBlocks(reopened, 100);
        reopened.Dispose();
        var afterOneFifty = CountNodes();

        // Every block here replaces about the same number of nodes, so a pruned store holds about as many after 150
        // blocks as after 50; unpruned it would hold three times as many.
        Assert.That(afterOneFifty, Is.LessThan(afterFifty * 3 / 2), $"nodes after 50 blocks: {afterFifty}; after 150: {afterOneFifty}");
        Assert.That(CountKeys("state_tree_stale"), Is.LessThan(afterOneFifty), "the stale index is pruned with the nodes");
    }

    [Test]
    public void A_block_whose_tree_is_not_the_tree_of_its_state_root_is_refused_whole()
    {
        var store = Open();
        var commit = Chain.Next(1, TestChain.Election(1));
        var wrong = commit with { StateRoot = Consensus.Crypto.Hashing.Sha256("another root"u8) };

        Assert.Throws<ArgumentException>(() => store.Write(wrong));

        Assert.That(store.Height, Is.Zero);
        Assert.That(store.GetElection(TestChain.ElectionId), Is.Null);
    }

    private int CountNodes() => CountKeys("state_tree");

    private int CountKeys(string column)
    {
        var families = new ColumnFamilies();
        foreach (var family in RocksDb.ListColumnFamilies(new DbOptions(), Folder).Where(f => f != "default"))
        {
            families.Add(family, new ColumnFamilyOptions());
        }

        using var db = RocksDb.Open(new DbOptions(), Folder, families);
        using var iterator = db.NewIterator(db.GetColumnFamily(column));
        var count = 0;
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            count++;
        }

        return count;
    }
}
