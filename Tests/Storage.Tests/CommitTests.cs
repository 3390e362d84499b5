using VoteChain.Consensus.State.Merkle;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Tests;

public sealed class CommitTests : StoreFixture
{
    [Test]
    public void A_committed_block_reads_back_by_height_and_by_hash()
    {
        var store = Open();
        var commit = Chain.Next();

        store.Write(commit);

        Assert.That(store.GetBlockBytes(1), Is.EqualTo(commit.BlockBytes));
        Assert.That(store.GetBlockBytes(commit.BlockHash), Is.EqualTo(commit.BlockBytes));
        var header = BlockHeader.Parser.ParseFrom(Block.Parser.ParseFrom(store.GetBlockBytes(1)!).Header);
        Assert.That(header.PreviousHash.ToByteArray(), Is.EqualTo(TestChain.GenesisHash));
    }

    [Test]
    public void A_committed_block_becomes_the_head()
    {
        var store = Open();
        var commit = Chain.Next(2, TestChain.Election(1));

        store.Write(commit);

        Assert.That(store.Height, Is.EqualTo(1));
        Assert.That(store.HeadHash, Is.EqualTo(commit.BlockHash));
        Assert.That(store.StateRoot, Is.EqualTo(commit.StateRoot));
        var head = store.Head;
        Assert.That((head.Height, head.Hash, head.StateRoot), Is.EqualTo((1UL, commit.BlockHash, commit.StateRoot)));
    }

    [Test]
    public void A_committed_block_indexes_each_transaction_at_its_position()
    {
        var store = Open();
        store.Write(Chain.Next(1));
        var commit = Chain.Next(3);

        store.Write(commit);

        for (var i = 0; i < 3; i++)
        {
            Assert.That(store.HasTransaction(commit.TxIds[i]), Is.True);
            Assert.That(store.GetTxLocation(commit.TxIds[i]), Is.EqualTo(new TxLocation { Height = 2, Position = (uint)i }));
        }
    }

    [Test]
    public void A_committed_block_writes_its_state_records()
    {
        var store = Open();
        store.Write(Chain.Next(1, TestChain.Election(1), TestChain.Registered(7, 1), TestChain.Tally(0, 0)));

        store.Write(Chain.Next(1, TestChain.Ballot(7, 1, 2), TestChain.Tally(0, 1)));

        Assert.That(store.GetElection(TestChain.ElectionId)!.Definition.Options, Is.EqualTo(new[] { "yes", "no" }));
        Assert.That(store.GetCredential(TestChain.ElectionId, TestChain.Credential(7))!.RegisteredHeight, Is.EqualTo(1));
        Assert.That(store.GetBallot(TestChain.ElectionId, TestChain.Credential(7))!.Option, Is.EqualTo(1));
        Assert.That(store.GetTally(TestChain.ElectionId)!.OptionWeights, Is.EqualTo(new ulong[] { 0, 1 }));
        Assert.That(store.GetCredential(TestChain.ElectionId, TestChain.Credential(8)), Is.Null);
        Assert.That(store.GetBallot("other-election", TestChain.Credential(7)), Is.Null);
    }

    [Test]
    public void A_zero_length_value_is_stored_as_an_all_default_record_not_a_deletion()
    {
        var store = Open();
        var registered = TestChain.Registered(7, 1);
        store.Write(Chain.Next(1, TestChain.Election(1), registered));

        store.Write(Chain.Next(1, registered with { Value = [] }));

        Assert.That(store.GetCredential(TestChain.ElectionId, TestChain.Credential(7)), Is.EqualTo(new CredentialRecord()));
        Assert.That(store.GetElection(TestChain.ElectionId), Is.Not.Null);
    }

    [Test]
    public void A_block_at_the_wrong_height_is_refused_and_changes_nothing()
    {
        var store = Open();
        var first = Chain.Next(1, TestChain.Election(1));
        store.Write(first);
        Chain.Next();
        var skipping = Chain.Next(1, TestChain.Tally(5, 5));

        Assert.Throws<InvalidOperationException>(() => store.Write(skipping));
        Assert.Throws<InvalidOperationException>(() => store.Write(first));

        Assert.That(store.Height, Is.EqualTo(1));
        Assert.That(store.HeadHash, Is.EqualTo(first.BlockHash));
        Assert.That(store.StateRoot, Is.EqualTo(first.StateRoot));
        Assert.That(store.GetBlockBytes(skipping.BlockHash), Is.Null);
        Assert.That(store.HasTransaction(skipping.TxIds[0]), Is.False);
        Assert.That(store.GetTally(TestChain.ElectionId), Is.Null);
    }

    [Test]
    public void Unknown_heights_hashes_and_transactions_read_as_absent()
    {
        var store = Open();
        store.Write(Chain.Next());

        Assert.That(store.GetBlockBytes(0), Is.Null);
        Assert.That(store.GetBlockBytes(2), Is.Null);
        Assert.That(store.GetBlockBytes(ulong.MaxValue), Is.Null);
        Assert.That(store.GetBlockBytes(new byte[32]), Is.Null);
        Assert.That(store.GetTxLocation(new byte[32]), Is.Null);
        Assert.That(store.HasTransaction(new byte[32]), Is.False);
    }

    [Test]
    public void A_record_that_does_not_parse_is_reported_as_corrupt()
    {
        var store = Open();
        var garbage = new StateChange(StateColumn.Elections, StateKeys.Election(TestChain.ElectionId), [0xFF, 0xFF, 0xFF]);
        store.Write(Chain.Next(1, garbage));

        var error = Assert.Throws<StorageException>(() => store.GetElection(TestChain.ElectionId));

        Assert.That(error.Message, Does.Contain("corrupt").And.Contain("elections"));
    }

    [Test]
    public void Head_values_handed_out_are_copies()
    {
        var store = Open();

        store.HeadHash[0] ^= 0xFF;
        store.StateRoot[0] ^= 0xFF;
        store.Head.Hash[0] ^= 0xFF;

        Assert.That(store.HeadHash, Is.EqualTo(TestChain.GenesisHash));
        Assert.That(store.StateRoot, Is.EqualTo(StateTree.EmptyRoot.ToArray()));
    }

    [Test]
    public void A_reader_running_beside_the_writer_always_sees_a_whole_head()
    {
        var store = Open();
        var commits = Enumerable.Range(0, 200).Select(_ => Chain.Next(1)).ToList();
        var roots = commits.ToDictionary(c => c.Height, c => c.StateRoot);
        roots[0] = StateTree.EmptyRoot.ToArray();
        using var done = new CancellationTokenSource();

        var reader = Task.Run(() =>
        {
            var seen = 0;
            while (!done.IsCancellationRequested)
            {
                var head = store.Head;
                var block = head.Height == 0 ? null : Block.Parser.ParseFrom(store.GetBlockBytes(head.Height)!);
                var hashOk = head.Height == 0
                    ? head.Hash.SequenceEqual(TestChain.GenesisHash)
                    : head.Hash.SequenceEqual(Hashing.Sha256(block!.Header.Span));
                if (!hashOk || !head.StateRoot.SequenceEqual(roots[head.Height]))
                {
                    return $"torn head at height {head.Height}";
                }

                seen++;
            }

            return $"ok after {seen} reads";
        });
        foreach (var commit in commits)
        {
            store.Write(commit);
        }

        done.Cancel();

        Assert.That(reader.Result, Does.StartWith("ok"));
        Assert.That(store.Height, Is.EqualTo(200));
    }
}
