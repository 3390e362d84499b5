using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

public sealed class ElectionRulesTests
{
    private TestChain _chain = null!;

    [SetUp]
    public void SetUp() => _chain = new TestChain();

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [Test]
    public void An_authority_creates_an_election_with_an_empty_tally()
    {
        _chain.CommitOk(_chain.CreateElection("mayor-2026", options: 4, allowRevote: true));

        var election = _chain.State.GetElection("mayor-2026")!;
        Assert.That(election.Definition.Options, Has.Count.EqualTo(4));
        Assert.That(election.Definition.AllowRevote, Is.True);
        Assert.That(election.Creator.ToByteArray(), Is.EqualTo(_chain.Authority.PublicKey));
        Assert.That(_chain.Tally("mayor-2026").OptionWeights, Is.EqualTo(new ulong[4]));
    }

    [Test]
    public void Anyone_else_is_not_an_authority()
    {
        using var stranger = _chain.Key(5);
        var create = _chain.CreateElection("e1");
        var bySomeoneElse = _chain.Signed(stranger, create.Payload.Clone());

        Assert.That(_chain.Commit(bySomeoneElse)!.Code, Is.EqualTo(RejectCode.NotAuthority));
        Assert.That(_chain.State.GetElection("e1"), Is.Null);
    }

    [TestCase("", 3, TestName = "An empty id is invalid")]
    [TestCase("has space", 3, TestName = "An id with a space is invalid")]
    [TestCase("nul\0inside", 3, TestName = "An id with a NUL byte is invalid")]
    [TestCase("line\n", 3, TestName = "An id ending in a line break is invalid")]
    [TestCase("e1", 1, TestName = "One option is too few")]
    [TestCase("e1", 257, TestName = "257 options are too many")]
    public void Invalid_definitions_are_refused(string id, int options)
    {
        Assert.That(_chain.Commit(_chain.CreateElection(id, options))!.Code, Is.EqualTo(RejectCode.InvalidElection));
    }

    [Test]
    public void A_65_character_id_is_invalid_and_64_is_fine()
    {
        Assert.That(_chain.Commit(_chain.CreateElection(new string('a', 65)))!.Code, Is.EqualTo(RejectCode.InvalidElection));
        _chain.CommitOk(_chain.CreateElection(new string('a', 64)));
    }

    [Test]
    public void A_window_that_closes_before_it_opens_or_already_closed_is_invalid()
    {
        var backwards = _chain.CreateElection("e1", opensAt: TestChain.Start + 10, closesAt: TestChain.Start + 10);
        Assert.That(_chain.Commit(backwards)!.Message, Does.Contain("close after it opens"));

        var past = _chain.CreateElection("e2", opensAt: TestChain.Start - 20_000, closesAt: TestChain.Start - 10_000);
        Assert.That(_chain.Commit(past)!.Message, Does.Contain("already passed"));
    }

    [Test]
    public void Duplicate_or_blank_options_and_a_blank_title_are_invalid()
    {
        var duplicate = _chain.CreateElection("e1");
        var payload = duplicate.Payload.Clone();
        payload.CreateElection.Options[1] = payload.CreateElection.Options[0];
        Assert.That(_chain.Commit(_chain.Signed(_chain.Authority, payload))!.Message, Does.Contain("distinct"));

        payload.CreateElection.Options[1] = " ";
        Assert.That(_chain.Commit(_chain.Signed(_chain.Authority, payload))!.Code, Is.EqualTo(RejectCode.InvalidElection));

        payload.CreateElection.Options[1] = "fine";
        payload.CreateElection.Title = "";
        Assert.That(_chain.Commit(_chain.Signed(_chain.Authority, payload))!.Message, Does.Contain("title"));
    }

    [Test]
    public void An_election_id_is_taken_once()
    {
        _chain.CommitOk(_chain.CreateElection("e1"));
        Assert.That(_chain.Commit(_chain.CreateElection("e1", options: 5))!.Code, Is.EqualTo(RejectCode.ElectionExists));
    }

    [Test]
    public void The_same_transaction_is_included_once()
    {
        var create = _chain.CreateElection("e1");
        _chain.CommitOk(create);
        Assert.That(_chain.Commit(create)!.Code, Is.EqualTo(RejectCode.DuplicateTransaction));
    }

    [Test]
    public void The_same_transaction_twice_in_one_block_makes_the_block_invalid()
    {
        var create = _chain.CreateElection("e1");
        Assert.That(_chain.Commit(create, create)!.Code, Is.EqualTo(RejectCode.DuplicateTransaction));
        Assert.That(_chain.State.Height, Is.Zero);
    }
}
