using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>CastEncryptedVote through the real rules: counted without being read, and every forged or malformed ballot refused.</summary>
public sealed class SecretVoteRulesTests
{
    private SecretElectionHarness _election = null!;
    private Crypto.Ed25519KeyPair _alice = null!;
    private Crypto.Ed25519KeyPair _bob = null!;

    private TestChain Chain => _election.Chain;

    [SetUp]
    public void SetUp()
    {
        _election = new SecretElectionHarness();
        _alice = Chain.Key(1);
        _bob = Chain.Key(2);
        Chain.CommitOk(_election.Register((_alice, 3), (_bob, 5)));
    }

    [TearDown]
    public void TearDown()
    {
        // The chain disposes the keys it made too; disposing twice is harmless.
        _alice.Dispose();
        _bob.Dispose();
        _election.Dispose();
    }

    private Rejection? Cast(CastEncryptedVote vote, Crypto.Ed25519KeyPair? voter = null) => Chain.Commit(_election.Vote(voter ?? _alice, vote));

    private void AssertRefused(Rejection? rejection, RejectCode code, string? fragment = null)
    {
        Assert.That(rejection, Is.Not.Null, "the vote was accepted");
        Assert.That(rejection!.Code, Is.EqualTo(code), rejection.Message);
        if (fragment is not null)
        {
            Assert.That(rejection.Message, Does.Contain(fragment));
        }

        Assert.That(Chain.Tally(SecretElectionHarness.Id).CountedBallots, Is.Zero, "a refused vote must not count");
    }

    [Test]
    public void An_encrypted_vote_counts_its_weight_without_revealing_it()
    {
        Chain.CommitOk(_election.Vote(_alice, 3, [2]), _election.Vote(_bob, 5, [0]));

        var tally = Chain.Tally(SecretElectionHarness.Id);
        var ballot = Chain.State.GetBallot(SecretElectionHarness.Id, _alice.PublicKey)!;
        Assert.Multiple(() =>
        {
            Assert.That(tally.CountedBallots, Is.EqualTo(2));
            Assert.That(tally.CountedWeight, Is.EqualTo(8));
            Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 0 }), "weights stay 0 until the result");
            Assert.That(tally.ResultPublished, Is.False);
            Assert.That(ballot.Counted, Is.True);
            Assert.That(ballot.Ciphertexts, Has.Count.EqualTo(3));
            Assert.That(_election.Decrypt([1, 2], 100), Is.EqualTo(new ulong[] { 5, 0, 3 }));
        });
    }

    [Test]
    public void A_revote_replaces_the_counted_ciphertexts_and_a_revocation_removes_them()
    {
        Chain.CommitOk(_election.Vote(_alice, 3, [2]), _election.Vote(_bob, 5, [0]));
        Chain.CommitOk(_election.Vote(_alice, 3, [1], sequence: 2));
        Assert.That(_election.Decrypt([1, 3], 100), Is.EqualTo(new ulong[] { 5, 3, 0 }));
        Assert.That(Chain.Tally(SecretElectionHarness.Id).CountedBallots, Is.EqualTo(2));

        Chain.CommitOk(Chain.Revoke(SecretElectionHarness.Id, _bob));
        Assert.That(_election.Decrypt([2, 3], 100), Is.EqualTo(new ulong[] { 0, 3, 0 }));
        Assert.That(Chain.Tally(SecretElectionHarness.Id).CountedWeight, Is.EqualTo(3));
    }

    [Test]
    public void A_proof_made_for_another_credential_is_refused() =>
        AssertRefused(Cast(_election.Ballot(_alice, 3, [0], contextCredential: _bob.PublicKey)), RejectCode.BadProof, "weight 3");

    [Test]
    public void A_proof_made_for_another_election_is_refused() =>
        AssertRefused(Cast(_election.Ballot(_alice, 3, [0], contextElection: "other")), RejectCode.BadProof);

    [Test]
    public void A_ballot_made_for_another_weight_is_refused() =>
        AssertRefused(Cast(_election.Ballot(_alice, 3, [0], contextWeight: 4)), RejectCode.BadProof);

    [Test]
    public void A_ballot_encrypted_under_another_key_is_refused() =>
        AssertRefused(Cast(_election.Ballot(_alice, 3, [0], key: GroupElement.MultiplyBase(Scalar.RandomNonZero()))), RejectCode.BadProof);

    [Test]
    public void A_ballot_whose_options_sum_past_the_bound_is_refused()
    {
        // Every option proof is genuine (each option encrypts 0 or w), but two options are marked in a one-of-k
        // election: the sum proof of either source ballot covers other ciphertexts, so it cannot be reused.
        var first = _election.Ballot(_alice, 3, [0]);
        var second = _election.Ballot(_alice, 3, [1]);
        first.Ciphertexts[1] = second.Ciphertexts[1];
        first.OptionProofs[1] = second.OptionProofs[1];
        AssertRefused(Cast(first), RejectCode.BadProof);
    }

    [Test]
    public void A_ballot_with_a_wrong_ciphertext_count_is_malformed()
    {
        var vote = _election.Ballot(_alice, 3, [0]);
        vote.Ciphertexts.RemoveAt(2);
        AssertRefused(Cast(vote), RejectCode.Malformed, "2 ciphertexts");
    }

    [Test]
    public void A_ballot_with_a_short_option_proof_or_sum_proof_is_malformed()
    {
        var vote = _election.Ballot(_alice, 3, [0]);
        vote.OptionProofs[1] = ByteString.CopyFrom(vote.OptionProofs[1].Span[..64]);
        AssertRefused(Cast(vote), RejectCode.Malformed, "Option 1");

        vote = _election.Ballot(_alice, 3, [0]);
        vote.SumProof = ByteString.CopyFrom([.. vote.SumProof, .. new byte[64]]);
        AssertRefused(Cast(vote), RejectCode.Malformed, "sum proof");
    }

    [Test]
    public void A_ballot_with_a_non_canonical_point_is_malformed()
    {
        var vote = _election.Ballot(_alice, 3, [0]);
        var bytes = vote.Ciphertexts[0].ToByteArray();
        Array.Fill(bytes, (byte)0xff, 0, GroupElement.Size); // ≥ p: not a canonical field element
        vote.Ciphertexts[0] = ByteString.CopyFrom(bytes);
        AssertRefused(Cast(vote), RejectCode.Malformed, "canonical");
    }

    [Test]
    public void A_ballot_with_the_identity_as_an_A_is_refused()
    {
        // A = identity means r = 0: the option in the clear. The identity is canonical, so the proof check refuses it.
        var vote = _election.Ballot(_alice, 3, [0]);
        var bytes = vote.Ciphertexts[1].ToByteArray();
        Array.Clear(bytes, 0, GroupElement.Size);
        vote.Ciphertexts[1] = ByteString.CopyFrom(bytes);
        AssertRefused(Cast(vote), RejectCode.BadProof);
    }

    [Test]
    public void A_plaintext_vote_in_a_secret_election_is_the_wrong_kind() =>
        AssertRefused(Chain.Commit(Chain.Vote(SecretElectionHarness.Id, _alice, option: 0)), RejectCode.WrongBallotKind, "encrypted");

    [Test]
    public void An_encrypted_vote_in_an_open_election_is_the_wrong_kind()
    {
        Chain.CommitOk(Chain.CreateElection("open"), Chain.Register("open", (_alice, 3)));
        var vote = _election.Ballot(_alice, 3, [0]);
        vote.ElectionId = "open";
        var rejection = Cast(vote);
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.WrongBallotKind));
        Assert.That(Chain.Tally("open").CountedBallots, Is.Zero);
    }

    [Test]
    public void Sequence_rules_are_those_of_plaintext_votes()
    {
        AssertRefused(Cast(_election.Ballot(_alice, 3, [0], sequence: 0)), RejectCode.StaleSequence);
        Chain.CommitOk(_election.Vote(_alice, 3, [0], sequence: 4));
        Assert.That(Cast(_election.Ballot(_alice, 3, [1], sequence: 4))!.Code, Is.EqualTo(RejectCode.StaleSequence));
        Assert.That(_election.Decrypt([1, 2], 10), Is.EqualTo(new ulong[] { 3, 0, 0 }));
    }

    [Test]
    public void An_unregistered_credential_and_a_closed_election_are_refused_before_the_proofs()
    {
        var stranger = Chain.Key(3);
        AssertRefused(Cast(_election.Ballot(stranger, 1, [0]), stranger), RejectCode.NotRegistered);
        var before = SecretVoteRules.ProofVerifications;
        _election.Close();
        AssertRefused(Cast(_election.Ballot(_alice, 3, [0])), RejectCode.ElectionClosed);
        Assert.That(SecretVoteRules.ProofVerifications, Is.EqualTo(before));
    }

    [Test]
    public void A_vote_before_the_key_is_final_is_key_not_ready_and_after_a_failed_key_generation_key_generation_failed()
    {
        using var pending = new SecretElectionHarness(finishKeyGeneration: false);
        var voter = pending.Chain.Key(1);
        pending.Chain.CommitOk(pending.Register((voter, 2)));
        var rejection = pending.Chain.Commit(pending.Vote(voter, 2, [0]));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.KeyNotReady));
        Assert.That(RejectionPermanence.IsFinal(rejection.Code), Is.False, "the key may still come");

        // No trustee dealt: after the three phases the key generation has failed for good.
        pending.Chain.Time += 3L * SecretElectionHarness.KeyPhaseSeconds * 1000;
        rejection = pending.Chain.Commit(pending.Vote(voter, 2, [0]));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.KeyGenerationFailed));
    }

    [Test]
    public void A_ballot_verified_once_is_not_verified_again_for_the_same_statement()
    {
        var tx = _election.Vote(_alice, 3, [1]);
        var before = SecretVoteRules.ProofVerifications;

        // As the mempool does: judged against committed state plus what is pending, then in the block.
        Assert.That(TxRules.Apply(new StateOverlay(Chain.State), Chain.Rules, new BlockContext(Chain.State.Height + 1, Chain.Time), tx), Is.Null);
        Chain.CommitOk(tx);

        Assert.That(SecretVoteRules.ProofVerifications - before, Is.EqualTo(1));
        Assert.That(_election.Decrypt([1, 2], 10), Is.EqualTo(new ulong[] { 0, 3, 0 }));
    }

    [Test]
    public void A_remembered_verification_does_not_cover_another_weight()
    {
        // The same signed ballot, verified for weight 3, is judged on a state where the credential has weight 4: the
        // memo's statement differs, so the proof is checked again and fails.
        var tx = _election.Vote(_alice, 3, [1]);
        Assert.That(TxRules.Apply(new StateOverlay(Chain.State), Chain.Rules, new BlockContext(Chain.State.Height + 1, Chain.Time), tx), Is.Null);

        var overlay = new StateOverlay(Chain.State);
        var credential = overlay.GetCredential(SecretElectionHarness.Id, _alice.PublicKey)!.Clone();
        credential.Weight = 4;
        overlay.PutCredential(SecretElectionHarness.Id, _alice.PublicKey, credential);
        var before = SecretVoteRules.ProofVerifications;
        var rejection = TxRules.Apply(overlay, Chain.Rules, new BlockContext(Chain.State.Height + 1, Chain.Time), tx);
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(SecretVoteRules.ProofVerifications - before, Is.EqualTo(1));
    }

    [Test]
    public void A_secret_election_refuses_registrations_past_its_total_weight_bound()
    {
        var rejection = Chain.Commit(_election.Register((Chain.Key(10), RuleContext.MaxWeight), (Chain.Key(11), 1)));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.TallyOverflow));
        Assert.That(rejection.Message, Does.Contain(SecretSettings.MaxTotalWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(Chain.Tally(SecretElectionHarness.Id).RegisteredWeight, Is.EqualTo(8));
    }
}
