using Google.Protobuf;
using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// DecryptionShares and PublishResult through the real rules, with 2-of-3 trustees: T shares give the result with a
/// trustee absent, and every wrong share or result is refused.
/// </summary>
public sealed class DecryptionRulesTests
{
    private static readonly ulong[] Expected = [5, 0, 3];

    private SecretElectionHarness _election = null!;
    private Crypto.Ed25519KeyPair _alice = null!;

    private TestChain Chain => _election.Chain;

    [SetUp]
    public void SetUp()
    {
        _election = new SecretElectionHarness(trustees: 3, threshold: 2);
        _alice = Chain.Key(1);
        var bob = Chain.Key(2);
        Chain.CommitOk(_election.Register((_alice, 3), (bob, 5)));
        Chain.CommitOk(_election.Vote(_alice, 3, [2]), _election.Vote(bob, 5, [0]));
    }

    [TearDown]
    public void TearDown()
    {
        // The chain disposes the keys it made too; disposing twice is harmless.
        _alice.Dispose();
        _election.Dispose();
    }

    private void Refused(Rejection? rejection, RejectCode code, string? fragment = null)
    {
        Assert.That(rejection, Is.Not.Null, "the transaction was accepted");
        Assert.That(rejection!.Code, Is.EqualTo(code), rejection.Message);
        if (fragment is not null)
        {
            Assert.That(rejection.Message, Does.Contain(fragment));
        }
    }

    private int StoredShares => Chain.State.GetSecret(SecretElectionHarness.Id)!.DecryptionShares.Count;

    [Test]
    public void Two_of_three_trustees_decrypt_with_one_absent_and_the_result_is_written()
    {
        _election.Close();
        Chain.CommitOk(_election.Post(3, _election.Shares(3)));
        Chain.CommitOk(_election.Post(1, _election.Shares(1)));
        Chain.CommitOk(_election.Publish(Expected, _election.Trustees[0]));

        var tally = Chain.Tally(SecretElectionHarness.Id);
        var stored = Chain.State.GetSecret(SecretElectionHarness.Id)!.DecryptionShares;
        var recount = ElectionRecount.All(Chain.State, TestChain.ChainId).Single();
        Assert.Multiple(() =>
        {
            Assert.That(tally.OptionWeights, Is.EqualTo(Expected));
            Assert.That(tally.ResultPublished, Is.True);
            Assert.That(tally.ResultHeight, Is.EqualTo(Chain.State.Height));
            Assert.That(stored.Select(s => s.Trustee), Is.EqualTo(new uint[] { 1, 3 }), "kept in trustee order");
            Assert.That(recount.Agrees, Is.True, "the audit's recount checks the result from the stored shares");
            Assert.That(recount.ResultProblem, Is.Null);
            Assert.That(recount.Recounted.OptionWeights, Is.EqualTo(Expected));
        });
    }

    [Test]
    public void The_audit_recount_disagrees_when_a_stored_share_or_the_sums_are_altered()
    {
        _election.Close();
        Chain.CommitOk(_election.Post(1, _election.Shares(1)), _election.Post(2, _election.Shares(2)));
        Chain.CommitOk(_election.Publish(Expected));

        // A stored share replaced by trustee 3's (valid for trustee 3, not for trustee 2): the recount refuses the result.
        var secret = Chain.State.GetSecret(SecretElectionHarness.Id)!.Clone();
        secret.DecryptionShares[1].Shares[0] = _election.Shares(3).Shares[0];
        _election.WriteSecret(secret);
        var recount = ElectionRecount.All(Chain.State, TestChain.ChainId).Single();
        Assert.That(recount.Agrees, Is.False);
        Assert.That(recount.Recounted.ResultPublished, Is.False);
        Assert.That(recount.ResultProblem, Does.StartWith("BAD_PROOF: Stored shares of trustee 2: Option 0"));
    }

    [Test]
    public void With_every_trustee_posting_the_result_still_checks_and_the_audit_agrees()
    {
        // Three shares stored for a threshold of two: the rule combines trustees 1 and 2, the audit verifies all three.
        _election.Close();
        Chain.CommitOk(_election.Post(2, _election.Shares(2)), _election.Post(3, _election.Shares(3)), _election.Post(1, _election.Shares(1)));
        Chain.CommitOk(_election.Publish(Expected, _election.Trustees[2]));

        var recount = ElectionRecount.All(Chain.State, TestChain.ChainId).Single();
        Assert.That(Chain.Tally(SecretElectionHarness.Id).OptionWeights, Is.EqualTo(Expected));
        Assert.That((recount.Agrees, recount.ResultProblem), Is.EqualTo((true, (string?)null)));
    }

    [Test]
    public void Shares_before_the_close_are_refused()
    {
        Refused(Chain.Commit(_election.Post(1, _election.Shares(1))), RejectCode.PhaseNotOpen);
        Assert.That(StoredShares, Is.Zero);
    }

    [Test]
    public void Shares_from_a_key_that_is_not_a_trustee_are_refused()
    {
        _election.Close();
        Refused(Chain.Commit(_election.Post(1, _election.Shares(1), signer: _alice)), RejectCode.NotTrustee);
    }

    [Test]
    public void A_trustee_posts_its_shares_once()
    {
        _election.Close();
        Chain.CommitOk(_election.Post(2, _election.Shares(2)));
        Refused(Chain.Commit(_election.Post(2, _election.Shares(2))), RejectCode.AlreadyPosted);
        Assert.That(StoredShares, Is.EqualTo(1));
    }

    [Test]
    public void Another_trustees_share_is_refused()
    {
        _election.Close();
        // Trustee 2 posts trustee 1's genuine shares, and then shares made with trustee 1's secret under its own name.
        Refused(Chain.Commit(_election.Post(2, _election.Shares(1), signer: _election.Trustees[1])), RejectCode.BadProof, "Option 0");
        Refused(Chain.Commit(_election.Post(2, _election.Shares(2, secretShare: _election.TrusteeShares[0]))), RejectCode.BadProof);
        Refused(Chain.Commit(_election.Post(2, _election.Shares(2, contextTrustee: 1))), RejectCode.BadProof);
        Assert.That(StoredShares, Is.Zero);
    }

    [Test]
    public void A_share_proven_for_a_different_option_is_refused()
    {
        _election.Close();
        // Each proof is bound to its option: options 0 and 1 with their contexts swapped.
        var swapped = _election.Shares(1, contextOption: i => i switch { 0 => 1, 1 => 0, _ => i });
        Refused(Chain.Commit(_election.Post(1, swapped)), RejectCode.BadProof, "Option 0");

        // Shares in the wrong order: each share with its own proof, but against the other option's sum.
        var reordered = _election.Shares(1);
        (reordered.Shares[0], reordered.Shares[1]) = (reordered.Shares[1], reordered.Shares[0]);
        (reordered.Proofs[0], reordered.Proofs[1]) = (reordered.Proofs[1], reordered.Proofs[0]);
        Refused(Chain.Commit(_election.Post(1, reordered)), RejectCode.BadProof);
    }

    [Test]
    public void A_random_point_as_a_share_is_refused()
    {
        _election.Close();
        var shares = _election.Shares(1);
        shares.Shares[2] = ByteString.CopyFrom(GroupElement.MultiplyBase(Scalar.RandomNonZero()).ToArray());
        Refused(Chain.Commit(_election.Post(1, shares)), RejectCode.BadProof, "Option 2");
    }

    [Test]
    public void Malformed_shares_are_refused_before_any_proof()
    {
        _election.Close();
        var shares = _election.Shares(1);
        shares.Shares.RemoveAt(0);
        Refused(Chain.Commit(_election.Post(1, shares)), RejectCode.Malformed, "2 shares");

        shares = _election.Shares(1);
        shares.Shares[1] = ByteString.CopyFrom(Enumerable.Repeat((byte)0xff, 32).ToArray());
        Refused(Chain.Commit(_election.Post(1, shares)), RejectCode.Malformed, "canonical");

        shares = _election.Shares(1);
        shares.Proofs[1] = ByteString.CopyFrom(shares.Proofs[1].Span[..32]);
        Refused(Chain.Commit(_election.Post(1, shares)), RejectCode.Malformed, "Option 1");
    }

    [Test]
    public void Without_ballots_every_share_is_the_identity_with_no_proof_and_the_result_is_zero()
    {
        using var empty = new SecretElectionHarness(trustees: 3, threshold: 2);
        empty.Close();

        // A point other than the identity, for a sum whose A is the identity, is refused; so is a proof with it.
        var wrong = empty.Shares(1);
        wrong.Shares[0] = ByteString.CopyFrom(GroupElement.Generator.ToArray());
        Refused(empty.Chain.Commit(empty.Post(1, wrong)), RejectCode.BadProof, "identity");
        wrong = empty.Shares(1);
        wrong.Proofs[0] = ByteString.CopyFrom(new byte[64]);
        Refused(empty.Chain.Commit(empty.Post(1, wrong)), RejectCode.Malformed);

        empty.Chain.CommitOk(empty.Post(1, empty.Shares(1)), empty.Post(2, empty.Shares(2)));
        Refused(empty.Chain.Commit(empty.Publish([0, 1, 0])), RejectCode.BadProof);
        empty.Chain.CommitOk(empty.Publish([0, 0, 0]));
        Assert.That(empty.Chain.Tally(SecretElectionHarness.Id).ResultPublished, Is.True);
    }

    [Test]
    public void A_result_before_T_shares_is_refused()
    {
        _election.Close();
        Refused(Chain.Commit(_election.Publish(Expected)), RejectCode.NotEnoughShares);
        Chain.CommitOk(_election.Post(2, _election.Shares(2)));
        Refused(Chain.Commit(_election.Publish(Expected)), RejectCode.NotEnoughShares, "needs 2");
        Assert.That(Chain.Tally(SecretElectionHarness.Id).ResultPublished, Is.False);
    }

    [TestCase(0, 2, "Option 0", TestName = "A result with one weight moved between options is refused")]
    [TestCase(-1, 2, "Option 2", TestName = "A result one below on an option is refused")]
    public void A_result_that_does_not_match_the_shares_is_refused(int up, int down, string named)
    {
        _election.Close();
        Chain.CommitOk(_election.Post(1, _election.Shares(1)), _election.Post(2, _election.Shares(2)));
        var weights = (ulong[])Expected.Clone();
        weights[down]--;
        if (up >= 0)
        {
            weights[up]++;
        }

        Refused(Chain.Commit(_election.Publish(weights)), RejectCode.BadProof, named);
        Assert.That(Chain.Tally(SecretElectionHarness.Id).OptionWeights, Is.EqualTo(new ulong[3]));
    }

    [Test]
    public void A_result_past_the_counted_weight_is_refused_without_combining()
    {
        _election.Close();
        Chain.CommitOk(_election.Post(1, _election.Shares(1)), _election.Post(2, _election.Shares(2)));
        Refused(Chain.Commit(_election.Publish([ulong.MaxValue, ulong.MaxValue, 1])), RejectCode.BadProof, "counted weight 8");
        Refused(Chain.Commit(_election.Publish([5, 0])), RejectCode.Malformed, "2 weights");
    }

    [Test]
    public void The_result_is_published_once_by_a_trustee_or_an_authority_and_ends_the_shares()
    {
        _election.Close();
        Refused(Chain.Commit(_election.Publish(Expected, _alice)), RejectCode.NotAuthority);
        Chain.CommitOk(_election.Post(1, _election.Shares(1)), _election.Post(2, _election.Shares(2)));
        Chain.CommitOk(_election.Publish(Expected));
        Refused(Chain.Commit(_election.Publish(Expected, _election.Trustees[2])), RejectCode.AlreadyPosted);
        Refused(Chain.Commit(_election.Post(3, _election.Shares(3))), RejectCode.PhaseOver);
    }

    [Test]
    public void A_result_before_the_close_is_refused()
    {
        Refused(Chain.Commit(_election.Publish(Expected)), RejectCode.PhaseNotOpen);
    }

    [Test]
    public void An_open_election_takes_no_shares_and_no_result()
    {
        Chain.CommitOk(Chain.CreateElection("open", closesAt: TestChain.Start + 10_000));
        _election.Close();
        var shares = _election.Shares(1);
        shares.ElectionId = "open";
        Refused(Chain.Commit(_election.Post(1, shares)), RejectCode.WrongBallotKind);
        var publish = Chain.Signed(Chain.Authority, new TxPayload { PublishResult = new PublishResult { ElectionId = "open", OptionWeights = { 0, 0, 0 } } });
        Refused(Chain.Commit(publish), RejectCode.WrongBallotKind);
    }
}
