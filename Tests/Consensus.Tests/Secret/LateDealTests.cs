using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;
using static VoteChain.Consensus.Tests.Secret.SecretTestChain;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// The late deal race: a malicious dealer's deal, stamped just before the dealing deadline, commits after honest
/// trustees built their acks. An ack names the deals it checked, so those acks are refused and built again, and the
/// poisoned share is complained about instead of qualifying unseen.
/// </summary>
public sealed class LateDealTests
{
    private SecretTestChain _secret = null!;

    [SetUp]
    public void SetUp() => _secret = new SecretTestChain(trustees: 4, threshold: 3);

    [TearDown]
    public void TearDown() => _secret.Dispose();

    private long Deadline => _secret.CreatedAt + PhaseMs;

    /// <summary>Dealer 4's deal with a wrong share sealed to trustee 1 (it still opens; it fails the commitments).</summary>
    private KeyGenerationDeal PoisonedDeal()
    {
        var deal = _secret.Duty(4, "deal").KeyDeal;
        var wrong = _secret.Polynomial(4).Evaluate(1).Add(Scalar.One);
        Assert.That(ShareSealing.TrySeal(_secret.Trustees[0].PublicKey, wrong, out var sealedShare), Is.True);
        deal.SealedShares[0] = ByteString.CopyFrom(sealedShare);
        return deal;
    }

    private VerifiedTx[] AcksPlannedNow(params int[] trustees) =>
        [.. trustees.Select(t => _secret.Signed(t, _secret.Duty(t, "ack")))];

    [Test]
    public void Acks_built_before_a_late_deal_are_refused_and_the_rebuilt_acks_complain_about_it()
    {
        _secret.Post("deal", 1, 2, 3);
        _secret.Chain.Time = Deadline - 1;
        var poisoned = _secret.Signed(4, new TxPayload { KeyDeal = PoisonedDeal() });

        // The honest trustees' clocks pass the deadline and its grace before the late deal's block commits.
        _secret.Chain.Time = _secret.AckTime;
        var early = AcksPlannedNow(1, 2, 3);
        Assert.That(early.Select(a => a.Payload.KeyAck.CheckedDealers.ToArray()),
            Is.EqualTo(new[] { new uint[] { 2, 3 }, [1, 3], [1, 2] }), "each names the deals it opened");

        // The late deal commits in a block stamped before the deadline; it cannot ride in the acks' block either.
        _secret.Chain.Time = Deadline - 1;
        Assert.That(_secret.Chain.Commit([.. early, poisoned])!.Code, Is.EqualTo(RejectCode.PhaseNotOpen), "acks while dealing");
        _secret.Chain.CommitOk(poisoned);

        // The acks that did not see it are refused, with a passing code, so the trustees plan again.
        _secret.Chain.Time = _secret.AckTime;
        foreach (var ack in early)
        {
            var rejection = _secret.Chain.Commit(ack);
            Assert.That(rejection?.Code, Is.EqualTo(RejectCode.PhaseNotOpen), "an ack that did not check deal 4");
            Assert.That(rejection!.Message, Does.Contain("[1, 2, 3]").Or.Contain("[2, 3, 4]").Or.Contain("[1, 3, 4]").Or.Contain("[1, 2, 4]"));
            Assert.That(rejection.Message, Does.Contain("built again"));
            Assert.That(RejectionPermanence.IsFinal(rejection.Code), Is.False);
        }

        Assert.That(_secret.Secret.Acks, Is.Empty);
        var rebuilt = AcksPlannedNow(1, 2, 3);
        Assert.That(rebuilt[0].Payload.KeyAck.CheckedDealers, Is.EqualTo(new uint[] { 2, 3, 4 }));
        Assert.That(rebuilt[0].Payload.KeyAck.Complaints, Is.EqualTo(new uint[] { 4 }), "trustee 1 complains about the poisoned share");
        Assert.That(rebuilt[1].Payload.KeyAck.Complaints, Is.Empty);
        _secret.Chain.CommitOk(rebuilt);

        // Dealer 4 cannot answer with a share that matches its commitments (it would be the honest one); silent, it is out.
        _secret.Chain.Time = _secret.CreatedAt + 3 * PhaseMs;
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        Assert.That(_secret.Status.QualifiedDealers, Is.EqualTo(new uint[] { 1, 2, 3 }));
    }

    [Test]
    public void An_ack_whose_checked_dealers_differ_from_the_deals_on_record_is_refused_and_one_that_matches_is_taken()
    {
        _secret.Post("deal", 1, 2, 3);
        _secret.Chain.Time = Deadline;
        foreach (var claimed in new[] { new uint[] { 2 }, [2, 3, 4], [3, 2], [1, 2, 3], [] })
        {
            var ack = new KeyGenerationAck { ElectionId = ElectionId, CheckedDealers = { claimed } };
            var rejection = _secret.Commit(1, new TxPayload { KeyAck = ack });
            Assert.That(rejection?.Code, Is.EqualTo(RejectCode.PhaseNotOpen), $"checked [{string.Join(", ", claimed)}]");
            Assert.That(rejection!.Message, Does.Contain("[2, 3]"));
        }

        Assert.That(_secret.Commit(1, new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = ElectionId, CheckedDealers = { 2, 3 } } }), Is.Null);
    }

    [Test]
    public void A_complaint_about_a_dealer_the_ack_did_not_check_is_malformed()
    {
        _secret.Post("deal", 1, 2, 3, 4);
        var ack = new KeyGenerationAck { ElectionId = ElectionId, CheckedDealers = { 2, 3, 4 }, Complaints = { 1 } };
        var rejection = _secret.Commit(1, new TxPayload { KeyAck = ack });
        Assert.That(rejection?.Code, Is.EqualTo(RejectCode.Malformed));
        Assert.That(rejection!.Message, Does.Contain("its own deal"));
        Assert.That(_secret.Secret.Acks, Is.Empty);
    }
}
