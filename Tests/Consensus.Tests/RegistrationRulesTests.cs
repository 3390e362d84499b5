using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

public sealed class RegistrationRulesTests
{
    private TestChain _chain = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _chain.CommitOk(_chain.CreateElection("e1", allowRevote: true));
    }

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [Test]
    public void Registered_voters_get_their_weight_and_weight_zero_means_one()
    {
        var alice = _chain.Key(1);
        var bob = _chain.Key(2);
        _chain.CommitOk(_chain.Register("e1", (alice, 0), (bob, 250)));

        Assert.That(_chain.State.GetCredential("e1", alice.PublicKey)!.Weight, Is.EqualTo(1));
        Assert.That(_chain.State.GetCredential("e1", bob.PublicKey)!.Weight, Is.EqualTo(250));
        var tally = _chain.Tally("e1");
        Assert.That(tally.RegisteredCredentials, Is.EqualTo(2));
        Assert.That(tally.RegisteredWeight, Is.EqualTo(251));
    }

    [Test]
    public void A_strangers_registration_of_a_full_batch_of_keys_costs_no_curve_check_before_it_is_refused()
    {
        var stranger = _chain.Key(1);
        var keys = Enumerable.Range(0, _chain.Rules.MaxVotersPerBatch)
            .Select(_ => (System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), 1UL)).ToList();
        var tx = _chain.RegisterKeys("e1", keys, signer: stranger);
        var before = Consensus.Crypto.Ed25519Point.Checks;

        KeyPreparation.Prepare(_chain.Rules, [tx, tx]);
        Assert.That(_chain.Commit(tx)!.Code, Is.EqualTo(RejectCode.NotAuthority));

        Assert.That(Consensus.Crypto.Ed25519Point.Checks - before, Is.Zero, "refused for its signer before any key is looked at");
    }

    [Test]
    public void An_authoritys_registration_costs_one_curve_check_per_key_however_often_it_is_judged()
    {
        var count = _chain.Rules.MaxVotersPerBatch;
        var keys = Enumerable.Range(0, count).Select(_ => { using var k = Consensus.Crypto.Ed25519KeyPair.Generate(); return (k.PublicKey, 1UL); }).ToList();
        var tx = _chain.RegisterKeys("e1", keys);
        var before = Consensus.Crypto.Ed25519Point.Checks;

        KeyPreparation.Prepare(_chain.Rules, [tx, tx]);
        KeyPreparation.Prepare(_chain.Rules, [tx]);
        _chain.CommitOk(tx);

        Assert.That(Consensus.Crypto.Ed25519Point.Checks - before, Is.EqualTo(count));
        Assert.That(_chain.Tally("e1").RegisteredCredentials, Is.EqualTo((ulong)count));
    }

    [Test]
    public void Only_an_authority_registers_voters()
    {
        var voter = _chain.Key(1);
        var tx = _chain.RegisterKeys("e1", [(voter.PublicKey, 1)], signer: voter);
        Assert.That(_chain.Commit(tx)!.Code, Is.EqualTo(RejectCode.NotAuthority));
    }

    [Test]
    public void Registering_for_an_unknown_election_is_refused()
    {
        var rejection = _chain.Commit(_chain.Register("nope", (_chain.Key(1), 1)));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.UnknownElection));
        Assert.That(rejection.Message, Does.Contain("nope"));
    }

    [Test]
    public void Registering_after_the_close_is_refused()
    {
        _chain.Time = TestChain.Start + 3_600_000;
        Assert.That(_chain.Commit(_chain.Register("e1", (_chain.Key(1), 1)))!.Code, Is.EqualTo(RejectCode.ElectionClosed));
    }

    [Test]
    public void An_empty_batch_is_refused()
    {
        Assert.That(_chain.Commit(_chain.RegisterKeys("e1", []))!.Code, Is.EqualTo(RejectCode.EmptyBatch));
    }

    [Test]
    public void A_batch_above_the_limit_is_refused_and_one_at_the_limit_is_fine()
    {
        var keys = Enumerable.Range(100, 51).Select(i => (_chain.Key(i).PublicKey, 1UL)).ToList();
        Assert.That(_chain.Commit(_chain.RegisterKeys("e1", keys))!.Code, Is.EqualTo(RejectCode.BatchTooLarge));
        _chain.CommitOk(_chain.RegisterKeys("e1", keys.Take(50)));
    }

    [Test]
    public void A_malformed_credential_is_refused_and_nothing_of_the_batch_is_registered()
    {
        var good = _chain.Key(1);
        var rejection = _chain.Commit(_chain.RegisterKeys("e1", [(good.PublicKey, 1), (new byte[31], 1)]));

        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.BadPublicKey));
        Assert.That(rejection.Message, Does.Contain("voter 2"));
        Assert.That(_chain.State.GetCredential("e1", good.PublicKey), Is.Null);
    }

    [Test]
    public void Thirty_two_bytes_that_are_not_a_curve_point_are_not_a_credential()
    {
        var notAPoint = new byte[32];
        notAPoint[0] = 2;
        Assert.That(_chain.Commit(_chain.RegisterKeys("e1", [(notAPoint, 1)]))!.Code, Is.EqualTo(RejectCode.BadPublicKey));
    }

    [Test]
    public void A_weight_above_the_maximum_is_refused()
    {
        var rejection = _chain.Commit(_chain.Register("e1", (_chain.Key(1), RuleContext.MaxWeight + 1)));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.BadWeight));
    }

    [Test]
    public void A_key_twice_in_one_batch_or_across_batches_is_already_registered()
    {
        var voter = _chain.Key(1);
        Assert.That(_chain.Commit(_chain.Register("e1", (voter, 1), (voter, 2)))!.Code, Is.EqualTo(RejectCode.AlreadyRegistered));
        _chain.CommitOk(_chain.Register("e1", (voter, 1)));
        // A different weight makes it a different transaction (an identical one would be a duplicate).
        Assert.That(_chain.Commit(_chain.Register("e1", (voter, 2)))!.Code, Is.EqualTo(RejectCode.AlreadyRegistered));
    }

    [Test]
    public void The_same_key_may_be_registered_in_two_elections()
    {
        _chain.CommitOk(_chain.CreateElection("e2"));
        var voter = _chain.Key(1);
        _chain.CommitOk(_chain.Register("e1", (voter, 1)), _chain.Register("e2", (voter, 3)));
        Assert.That(_chain.State.GetCredential("e2", voter.PublicKey)!.Weight, Is.EqualTo(3));
    }

    [Test]
    public void Revoking_removes_the_counted_vote_and_the_replacement_votes_with_the_same_weight()
    {
        var stolen = _chain.Key(1);
        var replacement = _chain.Key(2);
        _chain.CommitOk(_chain.Register("e1", (stolen, 7)));
        _chain.CommitOk(_chain.Vote("e1", stolen, option: 2));
        Assert.That(_chain.Tally("e1").OptionWeights[2], Is.EqualTo(7));

        _chain.CommitOk(_chain.Revoke("e1", stolen, replacement));
        var tally = _chain.Tally("e1");
        Assert.That(tally.OptionWeights[2], Is.Zero);
        Assert.That(tally.CountedBallots, Is.Zero);
        Assert.That(tally.RegisteredCredentials, Is.EqualTo(1));
        Assert.That(_chain.State.GetBallot("e1", stolen.PublicKey)!.Counted, Is.False);
        Assert.That(_chain.State.GetCredential("e1", stolen.PublicKey)!.ReplacedBy.ToByteArray(), Is.EqualTo(replacement.PublicKey));

        Assert.That(_chain.Commit(_chain.Vote("e1", stolen, option: 1, sequence: 2))!.Code, Is.EqualTo(RejectCode.CredentialRevoked));
        _chain.CommitOk(_chain.Vote("e1", replacement, option: 1));
        Assert.That(_chain.Tally("e1").OptionWeights[1], Is.EqualTo(7));
    }

    [Test]
    public void Revoking_without_a_replacement_shrinks_the_register()
    {
        var voter = _chain.Key(1);
        _chain.CommitOk(_chain.Register("e1", (voter, 4), (_chain.Key(2), 1)));
        _chain.CommitOk(_chain.Revoke("e1", voter));
        Assert.That(_chain.Tally("e1").RegisteredWeight, Is.EqualTo(1));
    }

    [Test]
    public void Revoking_an_unregistered_or_already_revoked_credential_is_refused()
    {
        var voter = _chain.Key(1);
        Assert.That(_chain.Commit(_chain.Revoke("e1", voter))!.Code, Is.EqualTo(RejectCode.NotRegistered));
        _chain.CommitOk(_chain.Register("e1", (voter, 1)));
        _chain.CommitOk(_chain.Revoke("e1", voter));
        Assert.That(_chain.Commit(_chain.Revoke("e1", voter, _chain.Key(2)))!.Code, Is.EqualTo(RejectCode.CredentialRevoked));
    }

    [Test]
    public void A_replacement_that_is_already_registered_or_the_same_key_is_refused()
    {
        var voter = _chain.Key(1);
        var other = _chain.Key(2);
        _chain.CommitOk(_chain.Register("e1", (voter, 1), (other, 1)));
        Assert.That(_chain.Commit(_chain.Revoke("e1", voter, other))!.Code, Is.EqualTo(RejectCode.AlreadyRegistered));
        Assert.That(_chain.Commit(_chain.Revoke("e1", voter, voter))!.Code, Is.EqualTo(RejectCode.AlreadyRegistered));
    }

    [Test]
    public void Only_an_authority_revokes()
    {
        var voter = _chain.Key(1);
        _chain.CommitOk(_chain.Register("e1", (voter, 1)));
        Assert.That(_chain.Commit(_chain.Revoke("e1", voter, signer: voter))!.Code, Is.EqualTo(RejectCode.NotAuthority));
    }
}
