using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Anonymous;

/// <summary>
/// Proxy voting in an anonymous election, attacked through its two kinds of record: a roll entry (the authority's, which
/// cannot vote) may neither appoint nor be appointed, an anonymous credential (which nobody may revoke) may do both, and
/// the weight counted never passes the roll's registered weight. The audit's recount, issuance and proxies must agree.
/// </summary>
public sealed class AnonymousDelegationTests
{
    private AnonymousTestChain _anon = null!;

    private TestChain Chain => _anon.Chain;

    [SetUp]
    public void SetUp()
    {
        _anon = new AnonymousTestChain();
        var create = _anon.Create(allowRevote: true).Payload.CreateElection.Clone();
        create.AllowDelegation = true;
        Chain.CommitOk(Chain.Signed(Chain.Authority, new TxPayload { CreateElection = create }));
    }

    [TearDown]
    public void TearDown() => _anon.Dispose();

    [Test]
    public void Roll_entries_cannot_appoint_or_be_appointed_and_anonymous_proxies_carry_weight_within_the_roll()
    {
        const string id = AnonymousTestChain.Id;
        var (alice, bob, unserved) = (Chain.Key(1), Chain.Key(2), Chain.Key(3));
        Chain.CommitOk(Chain.Register(id, (alice, 1), (bob, 1), (unserved, 1)));
        Chain.CommitOk([.. _anon.ServedByAll(alice, 1), .. _anon.ServedByAll(bob, 1)]);
        _anon.OpenRegistration();
        var (aliceCredential, bobCredential) = (Chain.Key(101), Chain.Key(102));
        Chain.CommitOk(_anon.Register(aliceCredential, 1), _anon.Register(bobCredential, 1));

        Assert.That(Chain.Commit(Chain.Delegate(id, alice, bobCredential, 1))?.Code, Is.EqualTo(RejectCode.RollOnly),
            "a roll entry's weight is its anonymous credential's: appointing with it would count it twice");
        Assert.That(Chain.Commit(Chain.Delegate(id, aliceCredential, bob, 1))?.Code, Is.EqualTo(RejectCode.ProxyNotRegistered));
        Assert.That(Chain.Commit(Chain.Delegate(id, aliceCredential, unserved, 1))?.Code, Is.EqualTo(RejectCode.ProxyNotRegistered));

        Chain.CommitOk(Chain.Delegate(id, aliceCredential, bobCredential, 1), Chain.Vote(id, bobCredential, 2));
        Assert.That(Chain.Commit(Chain.Revoke(id, bobCredential))?.Code, Is.EqualTo(RejectCode.CannotRevoke));
        // The unserved roll entry goes; it held no appointment and no weight of anyone's.
        Chain.CommitOk(Chain.Revoke(id, unserved));

        var tally = Chain.Tally(id);
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 2 }));
        Assert.That((tally.ProxyWeight, tally.CountedWeight, tally.RegisteredWeight), Is.EqualTo((1UL, 2UL, 2UL)));
        var audit = ElectionRecount.All(Chain.State, TestChain.ChainId).Single(r => r.ElectionId == id);
        Assert.That((audit.Agrees, audit.IssuanceProblem, audit.DelegationProblem), Is.EqualTo((true, (string?)null, (string?)null)));

        // The holder's own vote still overrides.
        Chain.CommitOk(Chain.Vote(id, aliceCredential, 0));
        Assert.That(Chain.Tally(id).OptionWeights, Is.EqualTo(new ulong[] { 1, 0, 1 }));
        Assert.That(ElectionRecount.All(Chain.State, TestChain.ChainId).Single(r => r.ElectionId == id).Agrees, Is.True);
    }
}
