using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>
/// Tallies are 64-bit sums. With the weight limit raised so two voters reach 2^64, registrations that would pass it
/// are refused with TALLY_OVERFLOW and change nothing, sums at exactly 2^64 - 1 hold, and a recount agrees.
/// </summary>
public sealed class TallyOverflowTests
{
    /// <summary>Half the 64-bit range: two such voters sum to 2^64 - 2.</summary>
    private const ulong Half = ulong.MaxValue / 2;

    private TestChain _chain = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain(weightLimit: Half);
        _chain.CommitOk(_chain.CreateElection("e", allowRevote: true));
        _chain.CommitOk(_chain.Register("e", (_chain.Key(1), Half), (_chain.Key(2), Half)));
    }

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [Test]
    public void A_registration_past_the_64_bit_sum_is_refused_with_TALLY_OVERFLOW_and_changes_nothing()
    {
        var root = _chain.State.StateRoot;
        var tally = _chain.Tally("e").Clone();

        var rejection = _chain.Commit(_chain.Register("e", (_chain.Key(3), 2)));

        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.TallyOverflow));
        Assert.That(rejection.CodeName, Is.EqualTo("TALLY_OVERFLOW"));
        Assert.That(rejection.Message, Does.Contain("18446744073709551616"));
        Assert.That(_chain.State.StateRoot, Is.EqualTo(root));
        Assert.That(_chain.Tally("e"), Is.EqualTo(tally));
        Assert.That(_chain.State.GetCredential("e", _chain.Key(3).PublicKey), Is.Null);
    }

    [Test]
    public void A_batch_whose_own_sum_overflows_registers_none_of_its_voters()
    {
        _chain.CommitOk(_chain.CreateElection("fresh"));

        var rejection = _chain.Commit(_chain.Register("fresh", (_chain.Key(4), Half), (_chain.Key(5), Half), (_chain.Key(6), 2)));

        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.TallyOverflow));
        Assert.That(_chain.Tally("fresh").RegisteredCredentials, Is.Zero);
        Assert.That(_chain.State.GetCredential("fresh", _chain.Key(4).PublicKey), Is.Null);
    }

    [Test]
    public void A_block_holding_an_overflowing_registration_is_refused_whole()
    {
        var root = _chain.State.StateRoot;
        var vote = _chain.Vote("e", _chain.Key(1), 0);

        var rejection = _chain.Commit(vote, _chain.Register("e", (_chain.Key(3), 5)));

        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.TallyOverflow));
        Assert.That(_chain.State.StateRoot, Is.EqualTo(root));
        Assert.That(_chain.State.GetBallot("e", _chain.Key(1).PublicKey), Is.Null);
    }

    [Test]
    public void Sums_at_exactly_the_largest_value_hold_through_votes_revotes_and_revocations_and_a_recount_agrees()
    {
        _chain.CommitOk(_chain.Register("e", (_chain.Key(3), 1)));
        Assert.That(_chain.Tally("e").RegisteredWeight, Is.EqualTo(ulong.MaxValue));
        Assert.That(_chain.Commit(_chain.Register("e", (_chain.Key(4), 1)))!.Code, Is.EqualTo(RejectCode.TallyOverflow));

        _chain.CommitOk(_chain.Vote("e", _chain.Key(1), 0), _chain.Vote("e", _chain.Key(2), 0), _chain.Vote("e", _chain.Key(3), 0));
        Assert.That(_chain.Tally("e").OptionWeights[0], Is.EqualTo(ulong.MaxValue));
        Assert.That(_chain.Tally("e").CountedWeight, Is.EqualTo(ulong.MaxValue));
        AssertRecountAgrees();

        _chain.CommitOk(_chain.Vote("e", _chain.Key(1), 2, sequence: 2));
        _chain.CommitOk(_chain.Revoke("e", _chain.Key(2), replacement: _chain.Key(7)));
        AssertRecountAgrees();

        // Revoking without a replacement frees weight: a registration refused before now fits (a passing refusal).
        _chain.CommitOk(_chain.Revoke("e", _chain.Key(3)));
        _chain.CommitOk(_chain.Register("e", (_chain.Key(4), 1)));
        Assert.That(_chain.Tally("e").RegisteredWeight, Is.EqualTo(ulong.MaxValue));
        AssertRecountAgrees();
    }

    [Test]
    public void A_recount_of_sums_past_64_bits_throws_instead_of_wrapping()
    {
        var voters = new[] { new RecountVoter([1], new CredentialRecord { Weight = ulong.MaxValue }, null), new RecountVoter([2], new CredentialRecord { Weight = 1 }, null) };

        Assert.Throws<OverflowException>(() => TallyRecount.Recount(3, voters));
    }

    private void AssertRecountAgrees()
    {
        Assert.That(TallyRecount.Recount(3, ElectionRecount.Voters(_chain.State, "e")), Is.EqualTo(_chain.Tally("e")));
    }
}
