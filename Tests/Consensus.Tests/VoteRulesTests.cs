using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

public sealed class VoteRulesTests
{
    private TestChain _chain = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _chain.CommitOk(
            _chain.CreateElection("once"),
            _chain.CreateElection("revote", allowRevote: true),
            _chain.CreateElection("later", opensAt: TestChain.Start + 60_000, closesAt: TestChain.Start + 120_000));
    }

    [TearDown]
    public void TearDown() => _chain.Dispose();

    private Crypto.Ed25519KeyPair Registered(string election, int number, ulong weight = 1)
    {
        var voter = _chain.Key(number);
        _chain.CommitOk(_chain.Register(election, (voter, weight)));
        return voter;
    }

    [Test]
    public void A_vote_adds_the_credential_weight_to_its_option()
    {
        var voter = Registered("once", 1, weight: 5);
        _chain.CommitOk(_chain.Vote("once", voter, option: 2));

        var tally = _chain.Tally("once");
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 5 }));
        Assert.That(tally.CountedBallots, Is.EqualTo(1));
        Assert.That(tally.CountedWeight, Is.EqualTo(5));
    }

    [Test]
    public void A_second_vote_is_already_voted_where_revoting_is_not_allowed()
    {
        var voter = Registered("once", 1);
        _chain.CommitOk(_chain.Vote("once", voter, option: 0));
        var rejection = _chain.Commit(_chain.Vote("once", voter, option: 1, sequence: 2));

        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.AlreadyVoted));
        Assert.That(_chain.Tally("once").OptionWeights, Is.EqualTo(new ulong[] { 1, 0, 0 }));
    }

    [Test]
    public void Two_votes_of_one_credential_in_one_block_make_the_block_invalid()
    {
        var voter = Registered("once", 1);
        var rejection = _chain.Commit(_chain.Vote("once", voter, option: 0), _chain.Vote("once", voter, option: 1, sequence: 2));

        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.AlreadyVoted));
        Assert.That(rejection.Message, Does.StartWith("Transaction 1 "));
        Assert.That(_chain.Tally("once").CountedBallots, Is.Zero, "the first vote of the invalid block must not count either");
    }

    [Test]
    public void A_revote_with_a_higher_sequence_moves_the_weight()
    {
        var voter = Registered("revote", 1, weight: 3);
        _chain.CommitOk(_chain.Vote("revote", voter, option: 0));
        _chain.CommitOk(_chain.Vote("revote", voter, option: 2, sequence: 5));

        var tally = _chain.Tally("revote");
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 3 }));
        Assert.That(tally.CountedBallots, Is.EqualTo(1));
        Assert.That(_chain.State.GetBallot("revote", voter.PublicKey)!.Sequence, Is.EqualTo(5));
    }

    [TestCase(1UL, TestName = "A revote with the same sequence is stale")]
    [TestCase(0UL, TestName = "A revote with sequence zero is stale")]
    public void Stale_revotes_are_refused(ulong sequence)
    {
        var voter = Registered("revote", 1);
        _chain.CommitOk(_chain.Vote("revote", voter, option: 0));
        Assert.That(_chain.Commit(_chain.Vote("revote", voter, option: 1, sequence))!.Code, Is.EqualTo(RejectCode.StaleSequence));
    }

    [Test]
    public void A_lower_sequence_after_a_revote_is_stale()
    {
        var voter = Registered("revote", 1);
        _chain.CommitOk(_chain.Vote("revote", voter, option: 0, sequence: 3));
        Assert.That(_chain.Commit(_chain.Vote("revote", voter, option: 1, sequence: 2))!.Code, Is.EqualTo(RejectCode.StaleSequence));
    }

    [Test]
    public void A_first_vote_with_sequence_zero_is_stale()
    {
        var voter = Registered("once", 1);
        Assert.That(_chain.Commit(_chain.Vote("once", voter, option: 0, sequence: 0))!.Code, Is.EqualTo(RejectCode.StaleSequence));
    }

    [Test]
    public void An_unregistered_credential_cannot_vote()
    {
        Registered("revote", 1);
        var rejection = _chain.Commit(_chain.Vote("once", _chain.Key(1), option: 0));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.NotRegistered));
    }

    [Test]
    public void A_vote_for_an_unknown_election_is_refused()
    {
        Assert.That(_chain.Commit(_chain.Vote("ghost", _chain.Key(1), option: 0))!.Code, Is.EqualTo(RejectCode.UnknownElection));
    }

    [Test]
    public void An_option_outside_the_list_is_invalid()
    {
        var voter = Registered("once", 1);
        var rejection = _chain.Commit(_chain.Vote("once", voter, option: 3));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.InvalidOption));
        Assert.That(rejection.Message, Does.Contain("0 to 2"));
    }

    [Test]
    public void Votes_count_only_inside_the_window_by_block_time()
    {
        var voter = Registered("later", 1);
        Assert.That(_chain.Commit(_chain.Vote("later", voter, option: 0))!.Code, Is.EqualTo(RejectCode.ElectionNotOpen));

        _chain.Time = TestChain.Start + 60_000;
        _chain.CommitOk(_chain.Vote("later", voter, option: 0));

        var late = Registered("revote", 2);
        _chain.Time = TestChain.Start + 3_600_000;
        Assert.That(_chain.Commit(_chain.Vote("revote", late, option: 0))!.Code, Is.EqualTo(RejectCode.ElectionClosed));
    }
}
