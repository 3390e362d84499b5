using VoteChain.Consensus.Chain;

namespace VoteChain.Storage.Tests;

public sealed class RecoveryTests : StoreFixture
{
    private const int Blocks = 20;

    [Test]
    public void A_reopened_store_shows_the_last_committed_block()
    {
        List<BlockWrite> commits;
        using (var first = ChainStore.Open(Folder, TestChain.ChainId, TestChain.GenesisHash))
        {
            commits = CommitBlocks(first, 3);
        }

        var last = commits[^1];

        var store = Open();

        Assert.That(store.Height, Is.EqualTo(3));
        Assert.That(store.HeadHash, Is.EqualTo(last.BlockHash));
        Assert.That(store.StateRoot, Is.EqualTo(last.StateRoot));
        AssertWholeBlocks(store, commits, upTo: 3);
    }

    /// <summary>
    /// A copy of the folder taken while the store is still open is what a killed process leaves: nothing was
    /// flushed or closed, so every block must come back from the synced write-ahead log alone.
    /// </summary>
    [Test]
    public void A_store_recovered_from_its_write_ahead_log_holds_every_committed_block()
    {
        var store = Open();
        var commits = CommitBlocks(store, Blocks);
        var copy = CopyFolder(Folder, Path.Combine(Root, "crashed"));

        var recovered = Open(copy);

        Assert.That(recovered.Height, Is.EqualTo(Blocks));
        Assert.That(recovered.HeadHash, Is.EqualTo(commits[^1].BlockHash));
        AssertWholeBlocks(recovered, commits, upTo: Blocks);
    }

    /// <summary>
    /// A write-ahead log cut short in its last record is what a power loss in the middle of a write leaves. The
    /// store must come back at an earlier head with every block up to it whole and nothing of any later block.
    /// </summary>
    [Test]
    public void A_torn_write_ahead_log_recovers_to_the_last_whole_block()
    {
        var store = Open();
        var commits = CommitBlocks(store, Blocks);
        var copy = CopyFolder(Folder, Path.Combine(Root, "torn"));
        var log = Directory.GetFiles(copy, "*.log").OrderBy(f => f, StringComparer.Ordinal).Last();
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 16);
        }

        var recovered = Open(copy);

        var height = recovered.Height;
        Assert.That(height, Is.InRange(1UL, Blocks - 1UL));
        Assert.That(recovered.HeadHash, Is.EqualTo(commits[(int)height - 1].BlockHash));
        Assert.That(recovered.StateRoot, Is.EqualTo(commits[(int)height - 1].StateRoot));
        AssertWholeBlocks(recovered, commits, upTo: height);
    }

    private List<BlockWrite> CommitBlocks(ChainStore store, int count)
    {
        var commits = new List<BlockWrite>();
        for (var i = 0; i < count; i++)
        {
            var height = Chain.Height + 1;
            var changes = i == 0
                ? [TestChain.Election(height)]
                : new[] { TestChain.Registered((byte)i, height), TestChain.Tally((ulong)i, 0) };
            var commit = Chain.Next(2, changes);
            store.Write(commit);
            commits.Add(commit);
        }

        return commits;
    }

    /// <summary>Every block up to the head has its bytes, both indexes and its state; none after it has any.</summary>
    private static void AssertWholeBlocks(ChainStore store, List<BlockWrite> commits, ulong upTo)
    {
        foreach (var commit in commits)
        {
            var kept = commit.Height <= upTo;
            var credential = TestChain.Credential((byte)(commit.Height - 1));
            Assert.That(store.GetBlockBytes(commit.Height), kept ? Is.EqualTo(commit.BlockBytes) : Is.Null);
            Assert.That(store.GetBlockBytes(commit.BlockHash), kept ? Is.EqualTo(commit.BlockBytes) : Is.Null);
            Assert.That(commit.TxIds.All(id => store.HasTransaction(id)), Is.EqualTo(kept));
            if (commit.Height > 1)
            {
                Assert.That(store.GetCredential(TestChain.ElectionId, credential), kept ? Is.Not.Null : Is.Null);
            }
        }

        Assert.That(store.GetTally(TestChain.ElectionId)?.OptionWeights[0] ?? 0UL, Is.EqualTo(upTo - 1));
    }

    private static string CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        return to;
    }
}
