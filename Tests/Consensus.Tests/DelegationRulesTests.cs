using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>
/// Proxy voting (docs/DELEGATION.md): each rule the issue lists, and each attempt to break one. After every step the
/// kept tally must equal a recount from the records (see <see cref="AssertRecountAgrees"/>).
/// </summary>
public sealed class DelegationRulesTests
{
    private TestChain _chain = null!;
    private Ed25519KeyPair _holder = null!;
    private Ed25519KeyPair _second = null!;
    private Ed25519KeyPair _proxy = null!;
    private Ed25519KeyPair _other = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _chain.CommitOk(
            _chain.CreateElection("agm", allowRevote: true, allowDelegation: true),
            _chain.CreateElection("plain"),
            _chain.CreateElection("short", allowDelegation: true, closesAt: TestChain.Start + 5_000));
        (_holder, _second, _proxy, _other) = (_chain.Key(1), _chain.Key(2), _chain.Key(3), _chain.Key(4));
        _chain.CommitOk(_chain.Register("agm", (_holder, 10), (_second, 20), (_proxy, 1), (_other, 100)));
    }

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [Test]
    public void A_proxy_vote_counts_its_own_weight_and_every_holder_who_appointed_it_and_did_not_vote()
    {
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Delegate("agm", _second, _proxy, 1));
        Assert.That(Credential(_proxy).ReceivedWeight, Is.EqualTo(30));
        Assert.That(_chain.Tally("agm").CountedWeight, Is.Zero, "a proxy who does not vote casts nothing for the holders");
        Assert.That(_chain.Tally("agm").DelegationsInForce, Is.EqualTo(2));

        _chain.CommitOk(_chain.Vote("agm", _proxy, option: 1));

        var tally = _chain.Tally("agm");
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 31, 0 }));
        Assert.That(tally.CountedBallots, Is.EqualTo(1));
        Assert.That(tally.CountedWeight, Is.EqualTo(31));
        Assert.That(tally.ProxyWeight, Is.EqualTo(30));
        AssertRecountAgrees();
    }

    [Test]
    public void A_holders_own_vote_overrides_the_appointment_before_and_after_the_proxy_votes()
    {
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Delegate("agm", _second, _proxy, 1));
        _chain.CommitOk(_chain.Vote("agm", _holder, option: 0));
        _chain.CommitOk(_chain.Vote("agm", _proxy, option: 1));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 10, 21, 0 }));

        // After the proxy voted: the holder's weight leaves the proxy's option for the holder's own.
        _chain.CommitOk(_chain.Vote("agm", _second, option: 2));
        var tally = _chain.Tally("agm");
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 10, 1, 20 }));
        Assert.That(tally.ProxyWeight, Is.Zero);
        Assert.That(tally.CountedWeight, Is.EqualTo(31));
        Assert.That(tally.DelegationsInForce, Is.Zero);
        AssertRecountAgrees();
    }

    [Test]
    public void Appointing_after_voting_is_recorded_but_moves_no_weight()
    {
        _chain.CommitOk(_chain.Vote("agm", _holder, option: 0));
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Vote("agm", _proxy, option: 1));

        Assert.That(Credential(_holder).Proxy.ToByteArray(), Is.EqualTo(_proxy.PublicKey));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 10, 1, 0 }));
        AssertRecountAgrees();
    }

    [Test]
    public void A_proxys_revote_moves_its_holders_weight_with_it()
    {
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Vote("agm", _proxy, option: 1));
        _chain.CommitOk(_chain.Vote("agm", _proxy, option: 2, sequence: 2));

        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 11 }));
        AssertRecountAgrees();
    }

    [Test]
    public void Withdrawing_or_replacing_an_appointment_takes_the_weight_from_a_proxy_who_voted()
    {
        _chain.CommitOk(_chain.Vote("agm", _proxy, option: 1), _chain.Vote("agm", _other, option: 2));
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 0, 11, 100 }));

        _chain.CommitOk(_chain.Delegate("agm", _holder, _other, 2));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 0, 1, 110 }));
        Assert.That(Credential(_proxy).ReceivedWeight, Is.Zero);

        _chain.CommitOk(_chain.Delegate("agm", _holder, null, 3));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 0, 1, 100 }));
        Assert.That(Credential(_holder).Proxy.IsEmpty, Is.True);
        AssertRecountAgrees();
    }

    [Test]
    public void One_level_only_a_proxy_who_appointed_a_proxy_passes_on_its_own_weight_not_what_it_received()
    {
        // holder -> proxy -> other: other votes for its own weight and the proxy's, never the holder's.
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Delegate("agm", _proxy, _other, 1));
        _chain.CommitOk(_chain.Vote("agm", _other, option: 0));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 101, 0, 0 }));

        // When the proxy votes itself, its own weight comes back from other, and its holder's weight comes with it.
        _chain.CommitOk(_chain.Vote("agm", _proxy, option: 2));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 100, 0, 11 }));
        AssertRecountAgrees();
    }

    [Test]
    public void A_revoked_proxy_loses_its_ballot_and_every_appointment_for_good()
    {
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Vote("agm", _proxy, option: 1));
        var replacement = _chain.Key(5);
        _chain.CommitOk(_chain.Revoke("agm", _proxy, replacement));

        var tally = _chain.Tally("agm");
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 0 }));
        Assert.That(tally.DelegationsInForce, Is.Zero);
        Assert.That(Credential(replacement).ReceivedWeight, Is.Zero, "the replacement starts with no appointments");

        // The holder's weight is free: its own vote counts, and it may appoint someone else.
        _chain.CommitOk(_chain.Delegate("agm", _holder, _other, 2), _chain.Vote("agm", _other, option: 0));
        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 110, 0, 0 }));
        AssertRecountAgrees();
    }

    [Test]
    public void A_revoked_holder_loses_its_appointment_and_its_weight_leaves_the_proxy()
    {
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Vote("agm", _proxy, option: 1));
        _chain.CommitOk(_chain.Revoke("agm", _holder, _chain.Key(6)));

        Assert.That(_chain.Tally("agm").OptionWeights, Is.EqualTo(new ulong[] { 0, 1, 0 }));
        Assert.That(Credential(_proxy).ReceivedWeight, Is.Zero);
        Assert.That(Credential(_chain.Key(6)).Proxy.IsEmpty, Is.True, "the replacement has appointed nobody");
        AssertRecountAgrees();
    }

    [Test]
    public void Refusals_carry_their_rule_codes_and_change_nothing()
    {
        var before = _chain.State.StateRoot;
        var outsider = _chain.Key(7);
        var cases = new (Transactions.VerifiedTx Tx, RejectCode Code)[]
        {
            (_chain.Delegate("agm", _holder, _holder, 1), RejectCode.SelfDelegation),
            (_chain.Delegate("agm", _holder, outsider, 1), RejectCode.ProxyNotRegistered),
            (_chain.Delegate("agm", outsider, _proxy, 1), RejectCode.NotRegistered),
            (_chain.Delegate("agm", _holder, null, 1), RejectCode.DelegationUnchanged),
            (_chain.Delegate("agm", _holder, _proxy, 0), RejectCode.StaleSequence),
            (_chain.Delegate("plain", _holder, _proxy, 1), RejectCode.DelegationNotAllowed),
            (_chain.Delegate("nope", _holder, _proxy, 1), RejectCode.UnknownElection),
            (_chain.DelegateTo("agm", _holder, new byte[31], 1), RejectCode.BadPublicKey),
        };
        foreach (var (tx, code) in cases)
        {
            Assert.That(_chain.Commit(tx)?.Code, Is.EqualTo(code), code.ToString());
        }

        Assert.That(_chain.State.StateRoot, Is.EqualTo(before));

        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1));
        Assert.That(_chain.Commit(_chain.Delegate("agm", _holder, _proxy, 2))?.Code, Is.EqualTo(RejectCode.DelegationUnchanged));
        Assert.That(_chain.Commit(_chain.Delegate("agm", _holder, _other, 1))?.Code, Is.EqualTo(RejectCode.StaleSequence),
            "a replayed or reordered older appointment cannot undo a newer one");
        _chain.CommitOk(_chain.Revoke("agm", _other));
        Assert.That(_chain.Commit(_chain.Delegate("agm", _holder, _other, 2))?.Code, Is.EqualTo(RejectCode.ProxyNotRegistered));
    }

    [Test]
    public void No_appointment_after_the_close()
    {
        _chain.CommitOk(_chain.Register("short", (_holder, 1), (_proxy, 1)));
        _chain.Time = TestChain.Start + 5_000;
        Assert.That(_chain.Commit(_chain.Delegate("short", _holder, _proxy, 1))?.Code, Is.EqualTo(RejectCode.ElectionClosed));
    }

    [Test]
    public void A_secret_election_cannot_allow_delegation()
    {
        var create = _chain.CreateElection("secret-agm", allowDelegation: true);
        create.Payload.CreateElection.Secret = new SecretBallotSettings();
        var tx = _chain.Signed(_chain.Authority, create.Payload);

        var rejection = _chain.Commit(tx);
        Assert.That(rejection?.Code, Is.EqualTo(RejectCode.InvalidElection));
        Assert.That(rejection!.Message, Does.Contain("cannot allow delegation"));
    }

    [Test]
    public void A_holder_is_told_whom_it_appointed_and_whether_its_weight_was_used()
    {
        Assert.That(Standing(_holder).State, Is.EqualTo(DelegationState.NoProxy));
        _chain.CommitOk(_chain.Delegate("agm", _holder, _proxy, 1), _chain.Delegate("agm", _second, _proxy, 1),
            _chain.Delegate("agm", _other, _proxy, 1));
        Assert.That(Standing(_holder).State, Is.EqualTo(DelegationState.WaitingForProxy));
        Assert.That(Standing(_holder).Proxy.ToByteArray(), Is.EqualTo(_proxy.PublicKey));

        _chain.CommitOk(_chain.Vote("agm", _proxy, option: 2), _chain.Vote("agm", _second, option: 0));
        Assert.That(Standing(_holder).State, Is.EqualTo(DelegationState.CastByProxy));
        Assert.That(Standing(_holder).ProxyBallot.Option, Is.EqualTo(2));
        Assert.That(Standing(_second).State, Is.EqualTo(DelegationState.OwnVoteCounts));

        _chain.CommitOk(_chain.Revoke("agm", _other));
        Assert.That(Standing(_other).State, Is.EqualTo(DelegationState.HolderRevoked));
        _chain.CommitOk(_chain.Revoke("agm", _proxy));
        Assert.That(Standing(_holder).State, Is.EqualTo(DelegationState.ProxyRevoked));
        AssertRecountAgrees();
    }

    private DelegationStanding Standing(Ed25519KeyPair holder) =>
        DelegationStandings.Of(_chain.State, "agm", holder.PublicKey, Credential(holder), _chain.State.GetBallot("agm", holder.PublicKey));

    private CredentialRecord Credential(Ed25519KeyPair key) =>
        _chain.State.GetCredential("agm", key.PublicKey) ?? throw new AssertionException("not registered");

    private void AssertRecountAgrees()
    {
        var voters = ElectionRecount.Voters(_chain.State, "agm");
        Assert.That(TallyRecount.Recount(3, voters), Is.EqualTo(_chain.Tally("agm")));
        Assert.That(DelegationRecount.Check(voters), Is.Null);
    }
}
