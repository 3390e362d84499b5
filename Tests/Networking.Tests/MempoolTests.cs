using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>The mempool over a real RocksDB store: checks once, deduplicates, bounds itself, and follows commits.</summary>
public sealed class MempoolTests : ChainTestBase
{
    [Test]
    public void A_second_vote_of_one_credential_waits_behind_the_first_only_once()
    {
        var voter = Chain.Voter(1);
        Chain.Commit(Chain.Register(ApiChain.Election, voter));
        var first = Chain.Mempool.Submit(ApiChain.Vote(ApiChain.Election, voter, 0));
        var second = Chain.Mempool.Submit(ApiChain.Vote(ApiChain.Election, voter, 1, sequence: 2));

        Assert.That(first.Accepted, Is.True);
        Assert.That(second.Rejection!.Code, Is.EqualTo(RejectCode.AlreadyVoted), "checked against state plus what is pending");
        Assert.That(Chain.Mempool.Count, Is.EqualTo(1));
    }

    [Test]
    public void The_same_envelope_twice_is_a_duplicate_and_not_new()
    {
        var voter = Chain.Voter(1);
        Chain.Commit(Chain.Register(ApiChain.Election, voter));
        var vote = ApiChain.Vote(ApiChain.Election, voter, 0);

        Assert.That(Chain.Mempool.Submit(vote).IsNew, Is.True);
        var again = Chain.Mempool.Submit(vote);
        Assert.That(again.Rejection!.Code, Is.EqualTo(RejectCode.DuplicateTransaction));
        Assert.That(again.IsNew, Is.False);
    }

    [Test]
    public void A_full_pool_refuses_with_mempool_full_by_count_and_by_bytes()
    {
        var voters = Enumerable.Range(1, 3).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register(ApiChain.Election, voters));
        var byCount = Pool(new MempoolLimits(MaxTransactions: 2));
        var results = byCount.SubmitMany(voters.Select(v => ApiChain.Vote(ApiChain.Election, v, 0)).ToList());
        Assert.That(results.Select(r => r.Rejection?.Code), Is.EqualTo(new RejectCode?[] { null, null, RejectCode.MempoolFull }));

        var vote = ApiChain.Vote(ApiChain.Election, voters[0], 0);
        var byBytes = Pool(new MempoolLimits(MaxBytes: vote.Length + 10));
        Assert.That(byBytes.Submit(vote).Accepted, Is.True);
        Assert.That(byBytes.Submit(ApiChain.Vote(ApiChain.Election, voters[1], 0)).Rejection!.Code, Is.EqualTo(RejectCode.MempoolFull));
    }

    [Test]
    public void A_commit_removes_what_it_included_and_drops_what_it_made_invalid()
    {
        var voters = Enumerable.Range(1, 3).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register(ApiChain.Election, voters));
        var pool = Pool(new MempoolLimits());
        var pendingHere = ApiChain.Vote(ApiChain.Election, voters[0], 0);
        var conflicting = ApiChain.Vote(ApiChain.Election, voters[1], 2);
        var untouched = ApiChain.Vote(ApiChain.Election, voters[2], 1);
        Assert.That(pool.SubmitMany([pendingHere, conflicting, untouched]).All(r => r.Accepted), Is.True);

        // Another node's block holds voter 0's same vote and a different vote of voter 1.
        Chain.Commit(pendingHere, ApiChain.Vote(ApiChain.Election, voters[1], 1));
        var included = Consensus.Crypto.Hashing.Sha256(pendingHere);
        var dropped = pool.OnCommitted([included]);

        Assert.That(dropped, Is.EqualTo(1), "voter 1's pending vote became ALREADY_VOTED");
        Assert.That(pool.Count, Is.EqualTo(1));
        Assert.That(pool.TakeForBlock(10, 1 << 20).Single().EnvelopeBytes, Is.EqualTo(untouched));
    }

    [Test]
    public void A_block_takes_transactions_in_arrival_order_within_its_limits()
    {
        var voters = Enumerable.Range(1, 5).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register(ApiChain.Election, voters));
        var votes = voters.Select(v => ApiChain.Vote(ApiChain.Election, v, 0)).ToList();
        Chain.Mempool.SubmitMany(votes);

        Assert.That(Chain.Mempool.TakeForBlock(3, 1 << 20).Select(t => t.EnvelopeBytes), Is.EqualTo(votes.Take(3)));
        Assert.That(Chain.Mempool.TakeForBlock(10, Consensus.Chain.BlockCodec.FramedSize(votes[0].Length) * 2L), Has.Count.EqualTo(2));
    }

    [Test]
    public void Revotes_of_one_credential_cannot_fill_a_small_pool()
    {
        Chain.Commit(Chain.CreateElection("revoting", allowRevote: true));
        var voters = Enumerable.Range(1, 4).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register("revoting", voters));
        var pool = Pool(new MempoolLimits(MaxTransactions: 4));

        var revotes = pool.SubmitMany([.. Enumerable.Range(1, 50).Select(i => ApiChain.Vote("revoting", voters[0], (uint)(i % 3), (ulong)i))]);
        var others = pool.SubmitMany([.. voters.Skip(1).Select(v => ApiChain.Vote("revoting", v, 0))]);

        Assert.That(revotes.Take(2).All(r => r.Accepted), Is.True);
        Assert.That(revotes[1].Replaced, Is.EqualTo(revotes[0].TxId), "the second replaced the first");
        Assert.That(revotes.Skip(2).Select(r => r.Rejection!.Code).Distinct(), Is.EqualTo(new[] { RejectCode.RevoteTooSoon }),
            "one replacement between two commits");
        Assert.That(others.All(r => r.Accepted), Is.True);
        Assert.That(pool.Count, Is.EqualTo(4));
        // Full now, but a revote takes its pending vote's place and still fits.
        Assert.That(pool.Submit(ApiChain.Vote("revoting", voters[1], 2, sequence: 2)).Accepted, Is.True);
        Assert.That(pool.Count, Is.EqualTo(4));
    }

    [Test]
    public void One_holder_changes_its_proxy_at_most_once_between_two_commits()
    {
        Chain.Commit(Chain.CreateElection("agm", allowDelegation: true));
        var voters = Enumerable.Range(1, 4).Select(Chain.Voter).ToArray();
        Chain.Commit(Chain.Register("agm", voters));
        var pool = Pool(new MempoolLimits(MaxTransactions: 10));

        // Distinct, valid changes (the sequence rises each time): only the first gets in before the next block.
        var flips = pool.SubmitMany([.. Enumerable.Range(1, 20).Select(i => ApiChain.Delegate("agm", voters[0], i == 1 ? voters[1] : voters[2], (ulong)i))]);
        var other = pool.Submit(ApiChain.Delegate("agm", voters[3], voters[1], 1));

        Assert.That(flips[0].Accepted, Is.True);
        Assert.That(flips.Skip(1).Select(r => r.Rejection!.Code).Distinct(), Is.EqualTo(new[] { RejectCode.DelegationTooSoon }));
        Assert.That(other.Accepted, Is.True, "another holder is not held up");
        Assert.That(pool.Count, Is.EqualTo(2));

        // A change the rules refuse for good keeps its own code.
        Assert.That(pool.Submit(ApiChain.Delegate("agm", voters[0], voters[0], 30)).Rejection!.Code, Is.EqualTo(RejectCode.SelfDelegation));
    }
}
