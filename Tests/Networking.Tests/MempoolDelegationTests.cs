using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// The mempool against proxy voting, over a real RocksDB store. A pending vote that a revote replaces used to matter to
/// its own credential only; a proxy's vote carries its holders, so the pool's order after a replacement must still make
/// a block every replica accepts as a whole, with the tally the arrival order meant. Survivors re-checked after another
/// node's block must drop stale appointments and free the holder for its next change.
/// </summary>
public sealed class MempoolDelegationTests : ChainTestBase
{
    private const string Id = "agm";

    [Test]
    public void A_replaced_pending_proxy_vote_with_appointments_and_overrides_pending_around_it_makes_one_valid_block()
    {
        Chain.Commit(Chain.CreateElection(Id, allowRevote: true, allowDelegation: true));
        var (holder, second, proxy) = (Chain.Voter(1), Chain.Voter(2), Chain.Voter(3));
        Chain.Commit(Chain.Register(Id, holder, second, proxy));
        var pool = Pool(new MempoolLimits());

        var outcomes = pool.SubmitMany(
        [
            ApiChain.Vote(Id, proxy, 0),
            ApiChain.Delegate(Id, holder, proxy, 1),
            ApiChain.Delegate(Id, second, proxy, 1),
            ApiChain.Vote(Id, holder, 1),
            ApiChain.Vote(Id, proxy, 2, sequence: 2),
            ApiChain.Vote(Id, holder, 0, sequence: 2),
        ]);
        Assert.That(outcomes.Select(o => o.Rejection?.Code), Is.All.Null);
        Assert.That(outcomes[4].Replaced, Is.EqualTo(outcomes[0].TxId));
        Assert.That(outcomes[5].Replaced, Is.EqualTo(outcomes[3].TxId));

        var block = pool.TakeForBlock(100, 1 << 20);
        Assert.That(block, Has.Count.EqualTo(4));
        var executed = BlockExecutor.Execute(Chain.Store, Chain.Rules, new BlockContext(Chain.Store.Height + 1, ApiChain.TimeOf(Chain.Store.Height + 1)), block);
        Assert.That(executed.Rejection, Is.Null, "the pool's order must be a valid block");

        Chain.Commit([.. block.Select(t => t.EnvelopeBytes)]);
        Assert.That(pool.OnCommitted(block.Select(t => t.Id)), Is.Zero);
        var tally = Chain.Store.GetTally(Id)!;
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 1, 0, 2 }), "holder's own revote; proxy's revote with the second holder");
        Assert.That((tally.ProxyWeight, tally.DelegationsInForce, tally.CountedBallots), Is.EqualTo((1UL, 1UL, 2UL)));
    }

    [Test]
    public void A_survivor_made_stale_by_another_nodes_block_is_dropped_and_the_holder_may_change_again()
    {
        Chain.Commit(Chain.CreateElection(Id, allowDelegation: true));
        var (holder, proxy, other) = (Chain.Voter(1), Chain.Voter(2), Chain.Voter(3));
        Chain.Commit(Chain.Register(Id, holder, proxy, other));
        var pool = Pool(new MempoolLimits());
        Assert.That(pool.Submit(ApiChain.Delegate(Id, holder, proxy, 1)).Accepted, Is.True);
        Assert.That(pool.Submit(ApiChain.Delegate(Id, holder, other, 2)).Rejection!.Code, Is.EqualTo(RejectCode.DelegationTooSoon));

        // Another node's block holds a different appointment with the same sequence, and the proxy's vote.
        var elsewhere = ApiChain.Delegate(Id, holder, other, 1);
        var vote = ApiChain.Vote(Id, other, 1);
        Chain.Commit(elsewhere, vote);

        Assert.That(pool.OnCommitted([Hashing.Sha256(elsewhere), Hashing.Sha256(vote)]), Is.EqualTo(1), "the survivor's sequence is stale now");
        Assert.That(pool.Count, Is.Zero);
        Assert.That(pool.Submit(ApiChain.Delegate(Id, holder, proxy, 2)).Accepted, Is.True, "a new block frees the holder for one change");
        Assert.That(Chain.Store.GetTally(Id)!.OptionWeights, Is.EqualTo(new ulong[] { 0, 2, 0 }));
    }

    [Test]
    public void A_pending_change_of_proxy_does_not_hold_up_the_holders_own_vote_nor_a_vote_hold_up_the_change()
    {
        Chain.Commit(Chain.CreateElection(Id, allowRevote: true, allowDelegation: true));
        var (holder, proxy) = (Chain.Voter(1), Chain.Voter(2));
        Chain.Commit(Chain.Register(Id, holder, proxy));
        var pool = Pool(new MempoolLimits());

        var outcomes = pool.SubmitMany(
        [
            ApiChain.Delegate(Id, holder, proxy, 1),
            ApiChain.Vote(Id, holder, 0),
            ApiChain.Vote(Id, holder, 1, sequence: 2),
            ApiChain.Delegate(Id, holder, null, 2),
        ]);

        Assert.That(outcomes.Select(o => o.Rejection?.Code),
            Is.EqualTo(new RejectCode?[] { null, null, null, RejectCode.DelegationTooSoon }));
        var block = pool.TakeForBlock(100, 1 << 20);
        Assert.That(BlockExecutor.Execute(Chain.Store, Chain.Rules, new BlockContext(Chain.Store.Height + 1, ApiChain.TimeOf(Chain.Store.Height + 1)), block).Rejection,
            Is.Null);
    }
}
