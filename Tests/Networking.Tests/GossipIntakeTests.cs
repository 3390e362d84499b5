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
public sealed class GossipIntakeTests
{
    private string _folder = null!;
    private ApiChain _chain = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "votechain-gossip-" + Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        _chain.Commit(_chain.CreateElection());
    }

    [TearDown]
    public void TearDown()
    {
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public void A_vote_refused_as_MEMPOOL_FULL_is_taken_from_gossip_once_there_is_room()
    {
        var voters = Enumerable.Range(1, 2).Select(_chain.Voter).ToArray();
        _chain.Commit(_chain.Register(ApiChain.Election, voters));
        var pool = new Mempool.Mempool(ApiChain.ChainId, _chain.Rules, _chain.Store,
            () => new BlockContext(_chain.Store.Height + 1, ApiChain.TimeOf(_chain.Store.Height + 1)), new MempoolLimits(MaxTransactions: 1));
        var intake = new GossipIntake(pool);
        var first = ApiChain.Vote(ApiChain.Election, voters[0], 0);
        var second = ApiChain.Vote(ApiChain.Election, voters[1], 1);

        Assert.That(intake.Offer(first)!.Accepted, Is.True);
        Assert.That(intake.Offer(second)!.Rejection!.Code, Is.EqualTo(RejectCode.MempoolFull));

        // The first commits on another node's block; the pool has room again and a peer re-sends the second.
        _chain.Commit(first);
        pool.OnCommitted([Consensus.Crypto.Hashing.Sha256(first)]);
        var again = intake.Offer(second);

        Assert.That(again, Is.Not.Null, "a passing refusal must not mark the transaction seen");
        Assert.That(again!.Accepted && again.IsNew, Is.True);
        Assert.That(intake.Offer(second), Is.Null, "once accepted it is seen");
    }

    [Test]
    public void A_vote_of_a_voter_not_yet_registered_is_taken_again_after_the_registration()
    {
        var voter = _chain.Voter(1);
        var vote = ApiChain.Vote(ApiChain.Election, voter, 2);
        var intake = new GossipIntake(_chain.Mempool);

        Assert.That(intake.Offer(vote)!.Rejection!.Code, Is.EqualTo(RejectCode.NotRegistered));
        _chain.Commit(_chain.Register(ApiChain.Election, voter));

        Assert.That(intake.Offer(vote)!.Accepted, Is.True);
    }

    [Test]
    public void A_transaction_refused_for_good_is_not_submitted_again()
    {
        var voter = _chain.Voter(1);
        _chain.Commit(_chain.Register(ApiChain.Election, voter));
        var envelope = TxEnvelope.Parser.ParseFrom(ApiChain.Vote(ApiChain.Election, voter, 0));
        envelope.Signature = ByteString.CopyFrom(new byte[64]);
        var badSignature = envelope.ToByteArray();
        _chain.Commit(ApiChain.Vote(ApiChain.Election, voter, 0));
        var secondVote = ApiChain.Vote(ApiChain.Election, voter, 1, sequence: 2);
        var intake = new GossipIntake(_chain.Mempool);

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
            RejectCode.UnknownElection, RejectCode.ElectionNotOpen, RejectCode.NotRegistered, RejectCode.MempoolFull,
            RejectCode.TallyOverflow,
        }));
    }
}
