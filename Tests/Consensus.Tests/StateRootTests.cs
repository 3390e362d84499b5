using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Consensus.Tests.Support;

namespace VoteChain.Consensus.Tests;

/// <summary>The state root is the root of the state tree after each block (docs/STATE-PROOFS.md).</summary>
public sealed class StateRootTests
{
    private static byte[] RunHistory(bool voteForOptionOne)
    {
        using var chain = new TestChain();
        var voter = chain.Key(1);
        chain.CommitOk(chain.CreateElection("e1"));
        chain.CommitOk(chain.Register("e1", (voter, 2), (chain.Key(2), 1)));
        chain.CommitOk(chain.Vote("e1", voter, option: voteForOptionOne ? 1u : 2u));
        return chain.State.StateRoot;
    }

    private static byte[] Root(ulong height, IReadOnlyList<StateChange> changes, IReadOnlyList<byte[]> txIds)
    {
        var state = new MemoryState(new byte[32]);
        for (var h = 1UL; h < height; h++)
        {
            Commit(state, [], []);
        }

        return BlockTreeChanges.Apply(state, height, changes, txIds).NewRoot;
    }

    private static void Commit(MemoryState state, IReadOnlyList<StateChange> changes, IReadOnlyList<byte[]> txIds)
    {
        var height = state.Height + 1;
        var tree = BlockTreeChanges.Apply(state, height, changes, txIds);
        state.Apply(new Chain.BlockWrite(height, [(byte)height], [], txIds, changes, tree.NewRoot, tree));
    }

    [Test]
    public void Two_nodes_with_the_same_history_compute_the_same_root()
    {
        var first = RunHistory(true);
        var second = RunHistory(true);
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void A_different_history_gives_a_different_root()
    {
        Assert.That(RunHistory(true), Is.Not.EqualTo(RunHistory(false)));
    }

    [Test]
    public void The_root_commits_to_the_state_itself_not_to_the_way_it_was_reached()
    {
        var state = new MemoryState(new byte[32]);
        Commit(state, [new StateChange(StateColumn.Ballots, [1], [1]), new StateChange(StateColumn.Elections, [2], [2])], [[7]]);
        Commit(state, [new StateChange(StateColumn.Ballots, [1], [3])], [[8]]);

        // The same records written at once: the last value of each key, both transactions where their blocks put them.
        var direct = StateTree.Apply(new MemoryTreeNodeStore(), null, 2,
        [
            new TreeChange(StateColumn.Ballots, [1], [3]),
            new TreeChange(StateColumn.Elections, [2], [2]),
            new TreeChange(StateColumn.Transactions, [7], BlockTreeChanges.TransactionValue(1, 0)),
            new TreeChange(StateColumn.Transactions, [8], BlockTreeChanges.TransactionValue(2, 0)),
            new TreeChange(StateColumn.Chain, BlockTreeChanges.HeightKey(), BlockTreeChanges.HeightValue(2)),
        ]);

        Assert.That(state.StateRoot, Is.EqualTo(direct.NewRoot));
    }

    [Test]
    public void Every_height_has_a_root_of_its_own_even_when_a_block_changes_nothing()
    {
        var state = new MemoryState(new byte[32]);
        Commit(state, [new StateChange(StateColumn.Ballots, [1], [1])], []);
        var before = state.StateRoot;

        Commit(state, [], []);

        Assert.That(state.StateRoot, Is.Not.EqualTo(before));
        Assert.That(before, Is.Not.EqualTo(StateTree.EmptyRoot.ToArray()));
    }

    [Test]
    public void The_root_does_not_depend_on_the_order_of_the_changes()
    {
        var a = new StateChange(StateColumn.Ballots, [1, 2], [9]);
        var b = new StateChange(StateColumn.Elections, [5], [8]);
        var c = new StateChange(StateColumn.Ballots, [1], [7]);

        Assert.That(Root(1, [a, b, c], []), Is.EqualTo(Root(1, [c, a, b], [])));
    }

    [Test]
    public void Key_and_value_boundaries_are_part_of_the_root()
    {
        var split1 = Root(1, [new StateChange(StateColumn.Tallies, [1, 2], [3])], []);
        var split2 = Root(1, [new StateChange(StateColumn.Tallies, [1], [2, 3])], []);
        Assert.That(split1, Is.Not.EqualTo(split2));
    }

    [Test]
    public void The_root_commits_to_the_transactions_and_where_they_sit()
    {
        var change = new StateChange(StateColumn.Ballots, [1], [1]);

        Assert.That(Root(1, [change], [[1], [2]]), Is.Not.EqualTo(Root(1, [change], [[1], [3]])), "which transactions");
        Assert.That(Root(1, [change], [[1], [2]]), Is.Not.EqualTo(Root(1, [change], [[2], [1]])), "their order");
        Assert.That(Root(1, [change], [[1]]), Is.Not.EqualTo(Root(2, [change], [[1]])), "their height");
    }

    [Test]
    public void A_block_must_execute_on_the_state_just_below_it()
    {
        var state = new MemoryState(new byte[32]);

        Assert.Throws<InvalidOperationException>(() => BlockTreeChanges.Apply(state, 2, [], []));
    }
}
