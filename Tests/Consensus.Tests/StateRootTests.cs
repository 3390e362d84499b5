using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Support;

namespace VoteChain.Consensus.Tests;

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
    public void The_root_does_not_depend_on_the_order_changes_were_made_once_sorted()
    {
        var a = new StateChange(StateColumn.Ballots, [1, 2], [9]);
        var b = new StateChange(StateColumn.Elections, [5], [8]);
        var c = new StateChange(StateColumn.Ballots, [1], [7]);
        List<StateChange> one = [a, b, c];
        List<StateChange> two = [c, a, b];
        one.Sort(StateChangeOrder.Instance);
        two.Sort(StateChangeOrder.Instance);

        var genesis = StateRoot.Genesis(Hashing.Sha256("g"u8));
        Assert.That(StateRoot.Next(genesis, 1, one), Is.EqualTo(StateRoot.Next(genesis, 1, two)));
        Assert.That(one[0], Is.SameAs(b), "elections sort before ballots");
    }

    [Test]
    public void Key_and_value_boundaries_are_part_of_the_root()
    {
        var genesis = StateRoot.Genesis(Hashing.Sha256("g"u8));
        var split1 = StateRoot.Next(genesis, 1, [new StateChange(StateColumn.Tallies, [1, 2], [3])]);
        var split2 = StateRoot.Next(genesis, 1, [new StateChange(StateColumn.Tallies, [1], [2, 3])]);
        Assert.That(split1, Is.Not.EqualTo(split2));
    }

    [Test]
    public void The_genesis_root_depends_on_the_genesis_hash()
    {
        Assert.That(StateRoot.Genesis(Hashing.Sha256("a"u8)), Is.Not.EqualTo(StateRoot.Genesis(Hashing.Sha256("b"u8))));
    }
}
