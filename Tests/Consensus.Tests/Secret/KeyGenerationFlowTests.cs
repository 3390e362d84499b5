using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;
using static VoteChain.Consensus.Tests.Secret.SecretTestChain;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>Whole key generations for n = 4, T = 3 through the real rules and the trustees' planner.</summary>
public sealed class KeyGenerationFlowTests
{
    private SecretTestChain _secret = null!;

    [SetUp]
    public void SetUp() => _secret = new SecretTestChain(trustees: 4, threshold: 3);

    [TearDown]
    public void TearDown() => _secret.Dispose();

    [Test]
    public void Honest_trustees_make_a_final_key_that_is_the_sum_of_their_constant_terms()
    {
        _secret.Post("deal", 3, 1);
        _secret.Post("deal", 4, 2);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Complaints), "all dealt: complaints open before the deadline");
        Assert.That(_secret.Secret.Deals.Select(d => d.Dealer), Is.EqualTo(new uint[] { 1, 2, 3, 4 }), "deals kept in trustee order");

        _secret.Post("ack", 4, 2, 1, 3);
        var status = _secret.Status;
        Assert.That(status.Phase, Is.EqualTo(KeyGenerationPhase.Final), "all acknowledged without complaint: final at once");
        Assert.That(_secret.Secret.Acks.Select(a => a.Trustee), Is.EqualTo(new uint[] { 1, 2, 3, 4 }), "acks kept in trustee order");
        Assert.That(_secret.Secret.Acks.All(a => a.Complaints.Count == 0), Is.True);
        Assert.That(status.QualifiedDealers, Is.EqualTo(new uint[] { 1, 2, 3, 4 }));

        var expectedKey = Enumerable.Range(1, 4).Aggregate(GroupElement.Identity,
            (sum, i) => sum.Add(GroupElement.MultiplyBase(_secret.Polynomial(i).Secret)));
        Assert.That(status.JointKey, Is.EqualTo(expectedKey));
        for (var j = 1; j <= 4; j++)
        {
            var x = _secret.ExpectedSecretShare(j, [1, 2, 3, 4]);
            Assert.That(status.VerificationKey((uint)j), Is.EqualTo(GroupElement.MultiplyBase(x)), $"verification key of trustee {j}");
            var problems = new List<string>();
            Assert.That(TrusteeDecryption.SecretShare(_secret.Trustees[j - 1], _secret.Secret, status, (uint)j, problems),
                Is.EqualTo(x), $"trustee {j} recovers its share from the sealed shares");
            Assert.That(problems, Is.Empty);
        }

        Assert.That(_secret.Plan(1).Duties, Is.Empty, "nothing is due between the final key and the close");
    }

    [Test]
    public void A_bad_sealed_share_is_complained_about_and_a_good_reveal_keeps_the_dealer_qualified()
    {
        DealWithBadShareFrom(dealer: 2, victim: 3);
        _secret.Post("deal", 1, 3, 4);
        Assert.That(_secret.Duty(3, "ack").KeyAck.Complaints, Is.EqualTo(new uint[] { 2 }), "trustee 3 finds dealer 2's share bad");
        Assert.That(_secret.Duty(1, "ack").KeyAck.Complaints, Is.Empty);
        _secret.Post("ack", 1, 2, 3, 4);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Answers));
        Assert.That(KeyGenerationStatus.Unanswered(_secret.Secret), Is.EquivalentTo(new uint[] { 2 }));

        var reveal = _secret.Duty(2, "reveal").KeyReveal;
        Assert.That(reveal.Recipient, Is.EqualTo(3));
        Assert.That(reveal.Share.ToByteArray(), Is.EqualTo(_secret.Polynomial(2).Evaluate(3).ToArray()));
        _secret.Post("reveal", 2);

        var status = _secret.Status;
        Assert.That(status.Phase, Is.EqualTo(KeyGenerationPhase.Final), "the last complaint answered: final at once");
        Assert.That(status.QualifiedDealers, Is.EqualTo(new uint[] { 1, 2, 3, 4 }));
        var problems = new List<string>();
        var x3 = TrusteeDecryption.SecretShare(_secret.Trustees[2], _secret.Secret, status, 3, problems);
        Assert.That(x3, Is.EqualTo(_secret.ExpectedSecretShare(3, [1, 2, 3, 4])), "trustee 3 uses the revealed share");
        Assert.That(GroupElement.MultiplyBase(x3!), Is.EqualTo(status.VerificationKey(3)));
    }

    [Test]
    public void A_dealer_that_never_answers_is_excluded_at_the_deadline_and_the_key_is_final_from_the_others()
    {
        DealWithBadShareFrom(dealer: 2, victim: 3);
        _secret.Post("deal", 1, 3, 4);
        _secret.Post("ack", 1, 2, 3, 4);

        _secret.Chain.Time = _secret.CreatedAt + 3 * PhaseMs - 1;
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Answers), "still answering just before the deadline");
        _secret.Chain.Time = _secret.CreatedAt + 3 * PhaseMs;
        var status = _secret.Status;
        Assert.That(status.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        Assert.That(status.QualifiedDealers, Is.EqualTo(new uint[] { 1, 3, 4 }));
        Assert.That(status.JointKey, Is.EqualTo(new[] { 1, 3, 4 }.Aggregate(GroupElement.Identity,
            (sum, i) => sum.Add(GroupElement.MultiplyBase(_secret.Polynomial(i).Secret)))));
        Assert.That(status.VerificationKey(3), Is.EqualTo(GroupElement.MultiplyBase(_secret.ExpectedSecretShare(3, [1, 3, 4]))));

        var late = new KeyGenerationReveal { ElectionId = ElectionId, Recipient = 3, Share = ByteString.CopyFrom(_secret.Polynomial(2).Evaluate(3).ToArray()) };
        Assert.That(_secret.Commit(2, new TxPayload { KeyReveal = late })!.Code, Is.EqualTo(RejectCode.PhaseOver));
    }

    [Test]
    public void A_false_complaint_is_voided_by_a_correct_reveal()
    {
        _secret.Post("deal", 1, 2, 3, 4);
        var falseAck = new KeyGenerationAck { ElectionId = ElectionId, Complaints = { 1 }, CheckedDealers = { 1, 2, 4 } };
        Assert.That(_secret.Commit(3, new TxPayload { KeyAck = falseAck }), Is.Null);
        _secret.Post("ack", 1, 2, 4);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Answers));

        _secret.Post("reveal", 1);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        Assert.That(_secret.Status.QualifiedDealers, Is.EqualTo(new uint[] { 1, 2, 3, 4 }));
        Assert.That(_secret.Secret.Reveals.Single().Recipient, Is.EqualTo(3));
    }

    [Test]
    public void A_reveal_may_answer_a_complaint_while_other_trustees_are_still_acknowledging()
    {
        _secret.Post("deal", 1, 2, 3, 4);
        Assert.That(_secret.Commit(3, new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = ElectionId, Complaints = { 4 }, CheckedDealers = { 1, 2, 4 } } }), Is.Null);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Complaints));
        _secret.Post("reveal", 4);
        _secret.Post("ack", 1, 2, 4);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Final));
    }

    [Test]
    public void An_absent_trustee_delays_the_key_until_the_deadlines_and_the_three_others_still_hold_it()
    {
        _secret.Post("deal", 1, 2, 3);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Dealing), "waits for trustee 4 until the dealing deadline");
        Assert.That(_secret.Plan(1).Duties, Is.Empty, "no ack is due while dealing");

        _secret.Chain.Time = _secret.CreatedAt + PhaseMs;
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Complaints));
        Assert.That(_secret.Plan(1).Duties, Is.Empty, "trustees wait a grace period for deals stamped just before the deadline");
        _secret.Chain.Time = _secret.AckTime;
        Assert.That(_secret.Plan(4).Duties.Select(d => d.Step), Is.EqualTo(new[] { "ack" }), "a late trustee may still acknowledge");
        _secret.Post("ack", 1, 2, 3);
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Complaints), "waits for trustee 4's ack until the deadline");

        _secret.Chain.Time = _secret.CreatedAt + 2 * PhaseMs;
        var status = _secret.Status;
        Assert.That(status.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        Assert.That(status.QualifiedDealers, Is.EqualTo(new uint[] { 1, 2, 3 }));
        for (var j = 1; j <= 4; j++)
        {
            Assert.That(status.VerificationKey((uint)j), Is.EqualTo(GroupElement.MultiplyBase(_secret.ExpectedSecretShare(j, [1, 2, 3]))));
        }
    }

    /// <summary>Dealer posts its planned deal with the share for <paramref name="victim"/> replaced by a wrong one, sealed properly.</summary>
    private void DealWithBadShareFrom(int dealer, int victim)
    {
        var deal = _secret.Duty(dealer, "deal").KeyDeal;
        var wrong = _secret.Polynomial(dealer).Evaluate((uint)victim).Add(Scalar.One);
        Assert.That(ShareSealing.TrySeal(_secret.Trustees[victim - 1].PublicKey, wrong, out var sealedShare), Is.True);
        deal.SealedShares[victim - 1] = ByteString.CopyFrom(sealedShare);
        Assert.That(_secret.Commit(dealer, new TxPayload { KeyDeal = deal }), Is.Null, "the rules cannot see a bad sealed share");
    }
}
