using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;
using static VoteChain.Consensus.Tests.Secret.SecretTestChain;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>Every refusal of Deal, Ack and Reveal, and that a refused step leaves the key generation as it was.</summary>
public sealed class KeyGenerationRefusalTests
{
    private SecretTestChain _secret = null!;

    [SetUp]
    public void SetUp() => _secret = new SecretTestChain(trustees: 4, threshold: 3);

    [TearDown]
    public void TearDown() => _secret.Dispose();

    private KeyGenerationDeal Deal(int dealer) => _secret.Duty(dealer, "deal").KeyDeal;

    private void AssertRefused(int trustee, TxPayload payload, RejectCode code, string? messagePart = null)
    {
        var before = _secret.Secret.Clone();
        var rejection = _secret.Commit(trustee, payload);
        Assert.That(rejection, Is.Not.Null, "the step should be refused");
        Assert.That(rejection!.Code, Is.EqualTo(code), rejection.Message);
        if (messagePart is not null)
        {
            Assert.That(rejection.Message, Does.Contain(messagePart));
        }

        Assert.That(_secret.Secret, Is.EqualTo(before), "a refused step writes nothing");
    }

    [Test]
    public void A_deal_signed_by_a_key_that_is_not_a_trustee_is_not_trustee()
    {
        var deal = Deal(1);
        var rejection = _secret.Chain.Commit(_secret.Chain.Signed(_secret.Chain.Authority, new TxPayload { KeyDeal = deal }));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.NotTrustee));
        Assert.That(_secret.Secret.Deals, Is.Empty);
    }

    [Test]
    public void Key_generation_steps_for_an_open_or_unknown_election_are_refused()
    {
        _secret.Chain.CommitOk(_secret.Chain.CreateElection("open"));
        var deal = Deal(1);
        deal.ElectionId = "open";
        AssertRefused(1, new TxPayload { KeyDeal = deal }, RejectCode.WrongBallotKind);
        AssertRefused(1, new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = "open" } }, RejectCode.WrongBallotKind);
        AssertRefused(1, new TxPayload { KeyReveal = new KeyGenerationReveal { ElectionId = "nowhere", Recipient = 2 } }, RejectCode.UnknownElection);
    }

    [Test]
    public void A_deal_after_the_dealing_deadline_is_phase_over()
    {
        var deal = Deal(1);
        _secret.Chain.Time = _secret.CreatedAt + PhaseMs;
        AssertRefused(1, new TxPayload { KeyDeal = deal }, RejectCode.PhaseOver);
    }

    [Test]
    public void A_deal_is_posted_once()
    {
        // Two plans of the same deal differ in their proof nonce and sealing randomness, so they are distinct transactions.
        var first = Deal(1);
        var second = Deal(1);
        Assert.That(_secret.Commit(1, new TxPayload { KeyDeal = first }), Is.Null);
        AssertRefused(1, new TxPayload { KeyDeal = second }, RejectCode.AlreadyPosted);
    }

    [TestCase(2, TestName = "A deal with fewer commitments than the threshold is malformed")]
    [TestCase(4, TestName = "A deal with more commitments than the threshold is malformed")]
    public void Wrong_commitment_count_is_malformed(int count)
    {
        var deal = Deal(1);
        var commitments = _secret.Trustees[0].DealingPolynomial(DealingContext.For(TestChain.ChainId, SecretTestChain.GenesisHash, _secret.Election), count).Commitments();
        deal.Commitments.Clear();
        deal.Commitments.AddRange(commitments.Select(c => ByteString.CopyFrom(c.ToArray())));
        AssertRefused(1, new TxPayload { KeyDeal = deal }, RejectCode.Malformed, "exactly 3 commitments");
    }

    [Test]
    public void Wrong_sealed_share_counts_and_sizes_are_malformed()
    {
        var fewer = Deal(1);
        fewer.SealedShares.RemoveAt(3);
        AssertRefused(1, new TxPayload { KeyDeal = fewer }, RejectCode.Malformed, "sealed shares");

        var shortShare = Deal(1);
        shortShare.SealedShares[2] = ByteString.CopyFrom(shortShare.SealedShares[2].Span[..79]);
        AssertRefused(1, new TxPayload { KeyDeal = shortShare }, RejectCode.Malformed, "80 bytes");

        var shortProof = Deal(1);
        shortProof.ConstantProof = ByteString.CopyFrom(shortProof.ConstantProof.Span[..63]);
        AssertRefused(1, new TxPayload { KeyDeal = shortProof }, RejectCode.Malformed, "64 bytes");
    }

    [Test]
    public void A_non_canonical_commitment_is_malformed()
    {
        var deal = Deal(1);
        // 2^255 - 1 is not a canonical field element, so not a ristretto encoding.
        var nonCanonical = Enumerable.Repeat((byte)0xff, 31).Append((byte)0x7f).ToArray();
        deal.Commitments[1] = ByteString.CopyFrom(nonCanonical);
        AssertRefused(1, new TxPayload { KeyDeal = deal }, RejectCode.Malformed, "Commitment 1");
    }

    [Test]
    public void An_identity_constant_commitment_is_malformed()
    {
        var deal = Deal(1);
        deal.Commitments[0] = ByteString.CopyFrom(GroupElement.Identity.ToArray());
        AssertRefused(1, new TxPayload { KeyDeal = deal }, RejectCode.Malformed, "identity");
    }

    [TestCase("other-election", 1u, TestName = "A constant-term proof made for another election is a bad proof")]
    [TestCase(ElectionId, 2u, TestName = "A constant-term proof made for another dealer is a bad proof")]
    public void Schnorr_proofs_bound_elsewhere_are_bad_proofs(string election, uint dealer)
    {
        var deal = Deal(1);
        var polynomial = _secret.Polynomial(1);
        var proof = SchnorrProof.Create(SecretContexts.Dealer(TestChain.ChainId, election, dealer), polynomial.Secret,
            GroupElement.MultiplyBase(polynomial.Secret));
        deal.ConstantProof = ByteString.CopyFrom(proof);
        AssertRefused(1, new TxPayload { KeyDeal = deal }, RejectCode.BadProof);
    }

    [Test]
    public void A_deal_copied_from_another_trustee_fails_its_proof()
    {
        var deal = Deal(2);
        AssertRefused(1, new TxPayload { KeyDeal = deal }, RejectCode.BadProof);
    }

    [Test]
    public void An_ack_during_dealing_is_phase_not_open_and_after_the_complaints_deadline_phase_over()
    {
        _secret.Post("deal", 1, 2);
        var ack = new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = ElectionId } };
        AssertRefused(1, ack, RejectCode.PhaseNotOpen);
        _secret.Chain.Time = _secret.CreatedAt + 2 * PhaseMs;
        // Two dealers of a threshold of 3: the key generation failed, and no ack can change that.
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Failed));
        AssertRefused(1, ack, RejectCode.PhaseOver);
        Assert.That(_secret.Plan(1).Problem, Does.Contain("failed"));
    }

    [Test]
    public void An_ack_is_posted_once()
    {
        _secret.Post("deal", 1, 2, 3, 4);
        Assert.That(_secret.Commit(1, new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = ElectionId, CheckedDealers = { 2, 3, 4 } } }), Is.Null);
        AssertRefused(1, new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = ElectionId, Complaints = { 2 } } }, RejectCode.AlreadyPosted);
    }

    [TestCase(new uint[] { 3, 2 }, "ascending", TestName = "Complaints out of order are malformed")]
    [TestCase(new uint[] { 2, 2 }, "ascending", TestName = "A repeated complaint is malformed")]
    [TestCase(new uint[] { 1 }, "its own deal", TestName = "A complaint about oneself is malformed")]
    [TestCase(new uint[] { 4 }, "not among the dealers", TestName = "A complaint about a trustee that did not deal is malformed")]
    [TestCase(new uint[] { 9 }, "not among the dealers", TestName = "A complaint about a trustee index that does not exist is malformed")]
    public void Bad_complaint_lists_are_malformed(uint[] complaints, string messagePart)
    {
        _secret.Post("deal", 1, 2, 3);
        _secret.Chain.Time = _secret.CreatedAt + PhaseMs;
        var ack = new KeyGenerationAck { ElectionId = ElectionId, CheckedDealers = { 2, 3 } };
        ack.Complaints.AddRange(complaints);
        AssertRefused(1, new TxPayload { KeyAck = ack }, RejectCode.Malformed, messagePart);
    }

    [Test]
    public void A_reveal_during_dealing_is_phase_not_open()
    {
        _secret.Post("deal", 1);
        AssertRefused(1, Reveal(2, _secret.Polynomial(1).Evaluate(2)), RejectCode.PhaseNotOpen);
    }

    [Test]
    public void A_reveal_without_a_complaint_is_refused()
    {
        _secret.Post("deal", 1, 2, 3, 4);
        _secret.Post("ack", 1, 2);
        // Trustee 2 acknowledged without complaint: settled. Trustee 3 has not acknowledged yet: it might still complain.
        AssertRefused(1, Reveal(2, _secret.Polynomial(1).Evaluate(2)), RejectCode.Malformed, "has not complained");
        AssertRefused(1, Reveal(3, _secret.Polynomial(1).Evaluate(3)), RejectCode.PhaseNotOpen, "has not complained");
        Assert.That(RejectionPermanence.IsFinal(RejectCode.PhaseNotOpen), Is.False);

        _secret.Post("ack", 3, 4);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        AssertRefused(1, Reveal(3, _secret.Polynomial(1).Evaluate(3)), RejectCode.PhaseOver);
    }

    [Test]
    public void Reveals_that_do_not_match_or_are_malformed_are_refused_and_the_right_one_is_taken_once()
    {
        _secret.Post("deal", 1, 2, 3, 4);
        Assert.That(_secret.Commit(3, new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = ElectionId, Complaints = { 1 }, CheckedDealers = { 1, 2, 4 } } }), Is.Null);
        var good = _secret.Polynomial(1).Evaluate(3);

        AssertRefused(1, Reveal(3, good.Add(Scalar.One)), RejectCode.BadProof, "does not match");
        AssertRefused(1, Reveal(3, _secret.Polynomial(1).Evaluate(2)), RejectCode.BadProof, "does not match");
        AssertRefused(2, Reveal(3, _secret.Polynomial(2).Evaluate(3)), RejectCode.Malformed, "has not complained");
        var nonCanonical = Reveal(3, good);
        nonCanonical.KeyReveal.Share = ByteString.CopyFrom(Ballots.BallotTestSupport.PlusOrder(good.ToArray()));
        AssertRefused(1, nonCanonical, RejectCode.Malformed, "canonical");
        var shortShare = Reveal(3, good);
        shortShare.KeyReveal.Share = ByteString.CopyFrom(good.ToArray()[..31]);
        AssertRefused(1, shortShare, RejectCode.Malformed, "32-byte");
        AssertRefused(1, Reveal(5, good), RejectCode.Malformed, "not a trustee index");

        Assert.That(_secret.Commit(1, Reveal(3, good)), Is.Null);
        AssertRefused(1, nonCanonical, RejectCode.AlreadyPosted, "already answered");
    }

    private static TxPayload Reveal(uint recipient, Scalar share) => new()
    {
        KeyReveal = new KeyGenerationReveal { ElectionId = ElectionId, Recipient = recipient, Share = ByteString.CopyFrom(share.ToArray()) },
    };
}
