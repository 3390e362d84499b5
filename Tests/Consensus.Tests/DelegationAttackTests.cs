using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>
/// Proxy voting attacked one sequence at a time, each written the way a cheat or a careless client would send it: cycles,
/// everything within one block in both orders, sums at 2^64 - 1, the close, a block with one bad change, and a proxy
/// with many holders (whose vote must cost no more than anyone's). After each, the kept tally must equal the recount.
/// </summary>
public sealed class DelegationAttackTests
{
    private const string Id = "agm";
    private TestChain _chain = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain(weightLimit: ulong.MaxValue);
        _chain.CommitOk(_chain.CreateElection(Id, allowRevote: true, allowDelegation: true, closesAt: TestChain.Start + 60_000));
    }

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public void A_cycle_of_two_appointments_counts_each_weight_once_whoever_votes_first(bool bFirst)
    {
        var (a, b) = (_chain.Key(1), _chain.Key(2));
        _chain.CommitOk(_chain.Register(Id, (a, 10), (b, 100)));
        _chain.CommitOk(_chain.Delegate(Id, a, b, 1), _chain.Delegate(Id, b, a, 1));
        Assert.That(_chain.Tally(Id).DelegationsInForce, Is.EqualTo(2));
        AssertRecountAgrees();

        var (first, second) = bFirst ? (b, a) : (a, b);
        _chain.CommitOk(_chain.Vote(Id, first, option: 0));
        Assert.That(_chain.Tally(Id).OptionWeights[0], Is.EqualTo(110), "the first to vote carries the other, who has not voted");
        AssertRecountAgrees();

        _chain.CommitOk(_chain.Vote(Id, second, option: 1));
        Assert.That(_chain.Tally(Id).OptionWeights, Is.EqualTo(bFirst ? new ulong[] { 100, 10, 0 } : [10, 100, 0]));
        Assert.That((_chain.Tally(Id).ProxyWeight, _chain.Tally(Id).CountedWeight), Is.EqualTo((0UL, 110UL)));
        AssertRecountAgrees();
    }

    [Test]
    public void A_cycle_ends_cleanly_when_one_of_it_is_revoked_in_the_block_where_the_other_votes()
    {
        var (a, b) = (_chain.Key(1), _chain.Key(2));
        _chain.CommitOk(_chain.Register(Id, (a, 10), (b, 100)));
        _chain.CommitOk(_chain.Delegate(Id, a, b, 1), _chain.Delegate(Id, b, a, 1));

        _chain.CommitOk(_chain.Vote(Id, a, option: 2), _chain.Revoke(Id, b, _chain.Key(3)), _chain.Vote(Id, a, option: 1, sequence: 2));

        var tally = _chain.Tally(Id);
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 10, 0 }), "b's weight went with b's revocation");
        Assert.That((tally.ProxyWeight, tally.DelegationsInForce), Is.EqualTo((0UL, 0UL)));
        AssertRecountAgrees();
    }

    [Test]
    public void Override_and_appointment_in_one_block_in_either_order_end_in_the_same_tally()
    {
        var (holder, proxy) = (_chain.Key(1), _chain.Key(2));
        _chain.CommitOk(_chain.Register(Id, (holder, 10), (proxy, 1)));

        // Appoint, proxy votes, holder overrides, all in one block; then the holder changes its own vote.
        _chain.CommitOk(_chain.Delegate(Id, holder, proxy, 1), _chain.Vote(Id, proxy, option: 1), _chain.Vote(Id, holder, option: 2));
        var tally = _chain.Tally(Id);
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 1, 10 }));
        AssertRecountAgrees();

        // Overridden holder withdraws and re-appoints in later blocks: its own vote still counts, nothing moves.
        _chain.CommitOk(_chain.Delegate(Id, holder, null, 2));
        _chain.CommitOk(_chain.Delegate(Id, holder, proxy, 3), _chain.Vote(Id, proxy, option: 0, sequence: 2));
        Assert.That(_chain.Tally(Id).OptionWeights, Is.EqualTo(new ulong[] { 1, 0, 10 }));
        Assert.That(_chain.Tally(Id).DelegationsInForce, Is.Zero);
        AssertRecountAgrees();
    }

    [Test]
    public void Sums_at_the_largest_tally_sum_move_through_appointments_votes_and_replacements_without_a_throw()
    {
        var (big, bigger, small) = (_chain.Key(1), _chain.Key(2), _chain.Key(3));
        // 2^63 + (2^63 - 2) + 1 = 2^64 - 1: the registered weight is at its limit.
        _chain.CommitOk(_chain.Register(Id, (big, 1UL << 63), (bigger, (1UL << 63) - 2), (small, 1)));
        Assert.That(_chain.Commit(_chain.Register(Id, (_chain.Key(4), 1)))?.Code, Is.EqualTo(RejectCode.TallyOverflow));

        _chain.CommitOk(_chain.Delegate(Id, big, small, 1), _chain.Delegate(Id, bigger, small, 1), _chain.Vote(Id, small, option: 2));
        Assert.That(_chain.Tally(Id).OptionWeights[2], Is.EqualTo(ulong.MaxValue));
        Assert.That(_chain.Tally(Id).ProxyWeight, Is.EqualTo(ulong.MaxValue - 1));
        AssertRecountAgrees();

        // Revote, override, replacement of a holder whose weight sits on the proxy, and the replacement re-appointing.
        var replacement = _chain.Key(5);
        _chain.CommitOk(_chain.Vote(Id, small, option: 0, sequence: 2), _chain.Vote(Id, bigger, option: 1),
            _chain.Revoke(Id, big, replacement), _chain.Delegate(Id, replacement, small, 1), _chain.Delegate(Id, bigger, replacement, 2));
        Assert.That(_chain.Tally(Id).OptionWeights, Is.EqualTo(new ulong[] { (1UL << 63) + 1, (1UL << 63) - 2, 0 }));
        AssertRecountAgrees();

        // The proxy holding 2^63 + 1 is revoked: its ballot and every appointment go; nothing throws.
        _chain.CommitOk(_chain.Revoke(Id, small), _chain.Vote(Id, replacement, option: 1));
        Assert.That(_chain.Tally(Id).OptionWeights, Is.EqualTo(new ulong[] { 0, ulong.MaxValue - 1, 0 }));
        AssertRecountAgrees();
    }

    [Test]
    public void A_block_with_one_refused_change_is_refused_whole_and_changes_nothing()
    {
        var (holder, proxy, other) = (_chain.Key(1), _chain.Key(2), _chain.Key(3));
        _chain.CommitOk(_chain.Register(Id, (holder, 10), (proxy, 1), (other, 1)));
        _chain.CommitOk(_chain.Vote(Id, proxy, option: 1));
        var root = _chain.State.StateRoot;

        // A valid appointment (it moves weight onto the proxy's option), then a replay of its sequence.
        var rejection = _chain.Commit(_chain.Delegate(Id, holder, proxy, 1), _chain.Delegate(Id, holder, other, 1));

        Assert.That(rejection?.Code, Is.EqualTo(RejectCode.StaleSequence));
        Assert.That(_chain.State.StateRoot, Is.EqualTo(root));
        Assert.That(_chain.Tally(Id).OptionWeights, Is.EqualTo(new ulong[] { 0, 1, 0 }));
        Assert.That(_chain.State.GetCredential(Id, proxy.PublicKey)!.ReceivedWeight, Is.Zero);
    }

    [Test]
    public void At_the_close_appointments_and_overrides_stop_and_the_tally_stays_as_the_last_block_left_it()
    {
        var (holder, proxy) = (_chain.Key(1), _chain.Key(2));
        _chain.CommitOk(_chain.Register(Id, (holder, 10), (proxy, 1)));
        _chain.Time = TestChain.Start + 59_999;
        _chain.CommitOk(_chain.Delegate(Id, holder, proxy, 1), _chain.Vote(Id, proxy, option: 1));
        var root = _chain.State.StateRoot;

        _chain.Time = TestChain.Start + 60_000;
        Assert.That(_chain.Commit(_chain.Vote(Id, holder, option: 2))?.Code, Is.EqualTo(RejectCode.ElectionClosed));
        Assert.That(_chain.Commit(_chain.Delegate(Id, holder, null, 2))?.Code, Is.EqualTo(RejectCode.ElectionClosed));
        Assert.That(_chain.Commit(_chain.Revoke(Id, proxy))?.Code, Is.EqualTo(RejectCode.ElectionClosed));
        Assert.That(_chain.State.StateRoot, Is.EqualTo(root));
        Assert.That(_chain.Tally(Id).OptionWeights, Is.EqualTo(new ulong[] { 0, 11, 0 }));
    }

    [Test]
    public void A_proxy_with_many_holders_votes_revotes_and_is_revoked_at_the_cost_of_a_proxy_with_one()
    {
        // Amplification: if a proxy's vote or revocation touched each holder's record, one key with many appointments
        // would make every replica do work in proportion to them. Compare the writes against a proxy with one holder.
        var (crowd, single) = (Holders(1_000, first: 10), Holders(1, first: 5_000));
        var (busy, quiet) = (_chain.Key(1), _chain.Key(2));
        _chain.CommitOk([_chain.Register(Id, (busy, 1), (quiet, 1)),
            .. crowd.Concat(single).Chunk(50).Select(c => _chain.Register(Id, [.. c.Select(k => ((ISigner)k, 1UL))]))]);
        _chain.CommitOk([.. crowd.Select(h => _chain.Delegate(Id, h, busy, 1)), .. single.Select(h => _chain.Delegate(Id, h, quiet, 1))]);

        Assert.That(Writes(_chain.Vote(Id, busy, option: 0)), Is.EqualTo(Writes(_chain.Vote(Id, quiet, option: 0))));
        _chain.CommitOk(_chain.Vote(Id, busy, option: 0), _chain.Vote(Id, quiet, option: 0));
        Assert.That(Writes(_chain.Vote(Id, busy, option: 1, sequence: 2)), Is.EqualTo(Writes(_chain.Vote(Id, quiet, option: 1, sequence: 2))));
        Assert.That(Writes(_chain.Revoke(Id, busy)), Is.EqualTo(Writes(_chain.Revoke(Id, quiet))));
        _chain.CommitOk(_chain.Revoke(Id, busy));
        Assert.That(_chain.Tally(Id).OptionWeights, Is.EqualTo(new ulong[] { 2, 0, 0 }));
        AssertRecountAgrees();
    }

    private List<Ed25519KeyPair> Holders(int count, int first) => [.. Enumerable.Range(first, count).Select(_chain.Key)];

    private int Writes(VerifiedTx tx)
    {
        var executed = BlockExecutor.Execute(_chain.State, _chain.Rules, new BlockContext(_chain.State.Height + 1, _chain.Time), [tx]);
        Assert.That(executed.IsOk, Is.True, () => $"refused: {executed.Rejection}");
        return executed.Value!.Changes.Count;
    }

    private void AssertRecountAgrees()
    {
        var voters = ElectionRecount.Voters(_chain.State, Id);
        Assert.That(TallyRecount.Recount(3, voters), Is.EqualTo(_chain.Tally(Id)));
        Assert.That(DelegationRecount.Check(voters), Is.Null);
    }
}
