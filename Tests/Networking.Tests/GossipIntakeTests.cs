using Google.Protobuf;
using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Peers;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Gossip over a real mempool and store: a transaction refused for a passing reason is taken again when a peer
/// offers it later; one settled (accepted or refused for good) is not submitted again.
/// </summary>
public sealed class GossipIntakeTests : ChainTestBase
{
    [Test]
    public void A_vote_refused_as_MEMPOOL_FULL_is_taken_from_gossip_once_there_is_room()
    {
        var voters = Enumerable.Range(1, 2).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register(ApiChain.Election, voters));
        var pool = Pool(new MempoolLimits(MaxTransactions: 1));
        var intake = new GossipIntake(pool);
        var first = ApiChain.Vote(ApiChain.Election, voters[0], 0);
        var second = ApiChain.Vote(ApiChain.Election, voters[1], 1);

        Assert.That(intake.Offer(first)!.Accepted, Is.True);
        Assert.That(intake.Offer(second)!.Rejection!.Code, Is.EqualTo(RejectCode.MempoolFull));

        // The first commits on another node's block; the pool has room again and a peer re-sends the second.
        Chain.Commit(first);
        pool.OnCommitted([Consensus.Crypto.Hashing.Sha256(first)]);
        var again = intake.Offer(second);

        Assert.That(again, Is.Not.Null, "a passing refusal must not mark the transaction seen");
        Assert.That(again!.Accepted && again.IsNew, Is.True);
        Assert.That(intake.Offer(second), Is.Null, "once accepted it is seen");
    }

    [Test]
    public void A_vote_of_a_voter_not_yet_registered_is_taken_again_after_the_registration()
    {
        var voter = Chain.Voter(1);
        var vote = ApiChain.Vote(ApiChain.Election, voter, 2);
        var intake = new GossipIntake(Chain.Mempool);

        Assert.That(intake.Offer(vote)!.Rejection!.Code, Is.EqualTo(RejectCode.NotRegistered));
        Chain.Commit(Chain.Register(ApiChain.Election, voter));

        Assert.That(intake.Offer(vote)!.Accepted, Is.True);
    }

    [Test]
    public void A_passing_refusal_is_not_taken_again_before_the_next_commit_or_the_back_off()
    {
        var clock = new ManualClock();
        var voter = Chain.Voter(1);
        var vote = ApiChain.Vote(ApiChain.Election, voter, 2);
        var intake = new GossipIntake(Chain.Mempool, clock: clock);

        Assert.That(intake.Offer(vote)!.Rejection!.Code, Is.EqualTo(RejectCode.NotRegistered));
        Assert.That(intake.Offer(vote), Is.Null, "nothing committed since, so the answer cannot have changed");
        clock.Advance(GossipIntake.RetakeAfter - TimeSpan.FromMilliseconds(1));
        Assert.That(intake.Offer(vote), Is.Null, "still within the back-off");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(intake.Offer(vote)!.Rejection!.Code, Is.EqualTo(RejectCode.NotRegistered), "taken again after the back-off");
        Assert.That(intake.Offer(vote), Is.Null);

        Chain.Commit(Chain.Register(ApiChain.Election, voter));

        Assert.That(intake.Offer(vote)!.Accepted, Is.True, "a commit may change the answer, so it is taken again at once");
    }

    [Test]
    public void A_transaction_refused_for_good_is_not_submitted_again()
    {
        var voter = Chain.Voter(1);
        Chain.Commit(Chain.Register(ApiChain.Election, voter));
        var envelope = TxEnvelope.Parser.ParseFrom(ApiChain.Vote(ApiChain.Election, voter, 0));
        envelope.Signature = ByteString.CopyFrom(new byte[64]);
        var badSignature = envelope.ToByteArray();
        Chain.Commit(ApiChain.Vote(ApiChain.Election, voter, 0));
        var secondVote = ApiChain.Vote(ApiChain.Election, voter, 1, sequence: 2);
        var intake = new GossipIntake(Chain.Mempool);

        Assert.That(intake.Offer(badSignature)!.Rejection!.Code, Is.EqualTo(RejectCode.BadSignature));
        Assert.That(intake.Offer(secondVote)!.Rejection!.Code, Is.EqualTo(RejectCode.AlreadyVoted));

        Assert.That(intake.Offer(badSignature), Is.Null);
        Assert.That(intake.Offer(secondVote), Is.Null);
    }

    [Test]
    public void Only_passing_codes_leave_a_transaction_unsettled()
    {
        var passing = Enum.GetValues<RejectCode>().Where(c => c != RejectCode.Unspecified && !RejectionPermanence.IsFinal(c));

        Assert.That(passing, Is.EquivalentTo(new[]
        {
            // Who is an authority or a validator, and what a proposal may do, change with governance (docs/GOVERNANCE.md).
            RejectCode.NotAuthority, RejectCode.NotValidator, RejectCode.UnknownProposal, RejectCode.ChangePending, RejectCode.UnsafeChange,
            RejectCode.TooManyProposals,
            RejectCode.UnknownElection, RejectCode.ElectionNotOpen, RejectCode.NotRegistered, RejectCode.MempoolFull,
            RejectCode.TallyOverflow, RejectCode.RevoteTooSoon, RejectCode.KeyNotReady, RejectCode.PhaseNotOpen, RejectCode.NotEnoughShares,
            RejectCode.NotServed, RejectCode.ProxyNotRegistered, RejectCode.DelegationUnchanged, RejectCode.DelegationTooSoon,
        }));
    }
}
