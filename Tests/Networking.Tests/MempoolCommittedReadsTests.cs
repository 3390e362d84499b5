using VoteChain.Networking.Mempool;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// The mempool reads committed records once and keeps them until a block changes them (CommittedReadCache). These try
/// to make it judge by a record a block has since changed: told of the block with its changes, not told at all, and
/// with a cache already full of the records the block touches.
/// </summary>
[TestFixture]
public sealed class MempoolCommittedReadsTests : ChainTestBase
{
    [Test]
    public void A_block_from_another_node_that_spends_a_credential_read_before_makes_its_pending_vote_stale()
    {
        var voters = Enumerable.Range(1, 3).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register(ApiChain.Election, voters));
        var pool = Pool(new MempoolLimits());
        var pending = voters.Select(v => ApiChain.Vote(ApiChain.Election, v, 0)).ToArray();
        Assert.That(pool.SubmitMany(pending).All(r => r.Accepted), Is.True, "every credential and ballot is read (and kept) now");

        // Another node's block: voter 0 votes differently; voter 2's pending vote is included as is.
        Chain.Commit(ApiChain.Vote(ApiChain.Election, voters[0], 2), pending[2]);
        Assert.That(pool.OnCommitted(Chain.LastWrite!), Is.EqualTo(1), "voter 0's ballot changed in the block: its pending vote is ALREADY_VOTED");

        Assert.That(pool.TakeForBlock(10, 1 << 20).Select(t => t.EnvelopeBytes), Is.EqualTo(new[] { pending[1] }));
        Assert.That(pool.Submit(ApiChain.Vote(ApiChain.Election, voters[0], 1)).Rejection!.Code, Is.EqualTo(RejectCode.AlreadyVoted));
        Assert.That(pool.Submit(pending[2]).Rejection!.Code, Is.EqualTo(RejectCode.DuplicateTransaction),
            "an included transaction read as absent before is known as included");
    }

    [Test]
    public void A_store_that_moved_without_the_pool_being_told_is_read_again_before_the_next_submission()
    {
        var late = Chain.Voter(7);
        var pool = Pool(new MempoolLimits());
        var vote = ApiChain.Vote(ApiChain.Election, late, 0);
        Assert.That(pool.Submit(vote).Rejection!.Code, Is.EqualTo(RejectCode.NotRegistered), "the pool has read (and kept) that there is no credential");

        // The chain's own pool is told of the registration; this one is not.
        Chain.Commit(Chain.Register(ApiChain.Election, late));

        Assert.That(pool.Submit(vote).Accepted, Is.True, "the registration is seen although the pool was never told of its block");
    }

    [Test]
    public void Records_a_block_changed_are_read_anew_while_the_rest_of_the_election_carries_on()
    {
        const string Id = "revoting";
        Chain.Commit(Chain.CreateElection(Id, allowRevote: true));
        var voters = Enumerable.Range(1, 4).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register(Id, voters));
        var pool = Pool(new MempoolLimits());
        for (var round = 1UL; round <= 3; round++)
        {
            // Each round every voter changes its vote through another node's block; the pool must follow the sequence.
            var votes = voters.Select((v, i) => ApiChain.Vote(Id, v, (uint)((i + (int)round) % 3), round)).ToArray();
            Assert.That(pool.SubmitMany(votes).All(r => r.Accepted), Is.True, $"round {round}");
            Chain.Commit(votes);
            Assert.That(pool.OnCommitted(Chain.LastWrite!), Is.Zero);
            Assert.That(pool.Count, Is.Zero);
            Assert.That(pool.Submit(ApiChain.Vote(Id, voters[0], 0, round)).Rejection!.Code,
                Is.EqualTo(RejectCode.DuplicateTransaction).Or.EqualTo(RejectCode.StaleSequence), $"round {round}: the committed sequence is read");
        }

        Assert.That(Chain.Store.GetTally(Id)!.CountedBallots, Is.EqualTo(4));
    }

    [Test]
    public void Signed_junk_leaves_nothing_behind_in_the_committed_reads_the_pool_keeps()
    {
        var pool = Pool(new MempoolLimits());
        var stranger = Chain.Voter(9);

        // Encrypted votes with 100 KiB election ids (no such election), each distinct, and envelopes that fail their
        // signature check: the pool looks them up, but keeps no bytes for them.
        for (var i = 0; i < 50; i++)
        {
            var hugeId = new string('x', 100 * 1024 - 8) + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var vote = ApiChain.Sign(stranger, new TxPayload { CastEncryptedVote = new CastEncryptedVote { ElectionId = hugeId, Sequence = 1 } });
            Assert.That(pool.Submit(vote).Accepted, Is.False);
            var forged = ApiChain.Vote(ApiChain.Election, stranger, (uint)i);
            forged[^1] ^= 1;
            Assert.That(pool.Submit(forged).Rejection!.Code, Is.EqualTo(RejectCode.BadSignature));
        }

        Assert.That(pool.CommittedBytesKept, Is.LessThan(50 * 256), "at most a transaction id per signed envelope, never its election id");
    }
}
