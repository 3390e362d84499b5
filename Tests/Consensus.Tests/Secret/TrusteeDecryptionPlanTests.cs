using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;
using static VoteChain.Consensus.Tests.Secret.SecretTestChain;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// The planner's decryption shares and result, against a tally encrypted here with known votes (the vote and
/// decryption rules are tested with their own code).
/// </summary>
public sealed class TrusteeDecryptionPlanTests
{
    private static readonly (ulong Weight, int Option)[] Votes = [(5, 0), (2, 0), (7, 1), (1, 2), (3, 1)];
    private static readonly ulong[] Expected = [7, 10, 1];

    private SecretTestChain _secret = null!;

    [SetUp]
    public void SetUp() => _secret = new SecretTestChain(trustees: 4, threshold: 3);

    [TearDown]
    public void TearDown() => _secret.Dispose();

    private TallyRecord KnownTally()
    {
        var key = _secret.Status.JointKey!;
        var sums = new Ciphertext[3];
        foreach (var (weight, option) in Votes)
        {
            for (var i = 0; i < 3; i++)
            {
                var (c, _) = ElGamal.Encrypt(key, i == option ? weight : 0);
                sums[i] = sums[i] is null ? c : sums[i].Add(c);
            }
        }

        return Tally(sums, (ulong)Votes.Length, Votes.Aggregate(0UL, (sum, v) => sum + v.Weight));
    }

    private static TallyRecord Tally(Ciphertext[] sums, ulong ballots, ulong weight)
    {
        var tally = new TallyRecord { Secret = true, CountedBallots = ballots, CountedWeight = weight };
        tally.OptionWeights.AddRange(new ulong[sums.Length]);
        tally.OptionCiphertexts.AddRange(sums.Select(c => ByteString.CopyFrom(c.ToArray())));
        return tally;
    }

    private DecryptionShares SharesOf(int trustee, TallyRecord tally)
    {
        var duties = _secret.Plan(trustee, tally).Duties;
        Assert.That(duties.Select(d => d.Step), Is.EqualTo(new[] { "decryption-shares" }));
        Assert.That(duties[0].Payload.ChainId, Is.EqualTo(TestChain.ChainId));
        return duties[0].Payload.DecryptionShares;
    }

    private static DecryptionShare Parse(uint trustee, DecryptionShares shares, int option)
    {
        Assert.That(GroupElement.TryParse(shares.Shares[option].Span, out var d), Is.True);
        return new DecryptionShare(trustee, d, shares.Proofs[option].ToByteArray());
    }

    private static Ciphertext Option(TallyRecord tally, int option)
    {
        Assert.That(Ciphertext.TryParse(tally.OptionCiphertexts[option].Span, out var c), Is.True);
        return c;
    }

    private static SecretRecord WithShares(SecretRecord secret, params (uint Trustee, DecryptionShares Shares)[] posted)
    {
        var copy = secret.Clone();
        foreach (var (trustee, shares) in posted.OrderBy(p => p.Trustee))
        {
            copy.DecryptionShares.Add(new ShareRecord { Trustee = trustee, Shares = { shares.Shares }, Proofs = { shares.Proofs } });
        }

        return copy;
    }

    [Test]
    public void No_decryption_share_is_due_before_the_close()
    {
        _secret.RunHonestKeyGeneration(1, 2, 3, 4);
        var tally = KnownTally();
        _secret.Chain.Time = ClosesAt - 1;
        Assert.That(_secret.Plan(1, tally).Duties, Is.Empty);
    }

    [Test]
    public void Every_trustees_shares_verify_and_any_three_of_four_decrypt_the_known_tally()
    {
        _secret.RunHonestKeyGeneration(1, 2, 3, 4);
        var status = _secret.Status;
        var tally = KnownTally();
        _secret.Chain.Time = ClosesAt;
        var shares = Enumerable.Range(1, 4).Select(j => SharesOf(j, tally)).ToArray();
        var table = new DiscreteLogTable(tally.CountedWeight);

        for (var option = 0; option < 3; option++)
        {
            var c = Option(tally, option);
            for (var j = 1; j <= 4; j++)
            {
                var context = SecretContexts.DecryptionShare(TestChain.ChainId, ElectionId, (uint)j, option);
                var share = Parse((uint)j, shares[j - 1], option);
                Assert.That(share.Verify(context, status.VerificationKey((uint)j), c), Is.True, $"trustee {j}, option {option}");
                Assert.That(share.Verify(context, status.VerificationKey((uint)(j % 4 + 1)), c), Is.False, "not against another trustee's key");
                var otherOption = SecretContexts.DecryptionShare(TestChain.ChainId, ElectionId, (uint)j, (option + 1) % 3);
                Assert.That(share.Verify(otherOption, status.VerificationKey((uint)j), c), Is.False, "not for another option");
            }

            foreach (var present in new[] { new[] { 1, 2, 3 }, new[] { 1, 2, 4 }, new[] { 1, 3, 4 }, new[] { 2, 3, 4 } })
            {
                var combined = present.Select(j => Parse((uint)j, shares[j - 1], option)).ToList();
                Assert.That(ThresholdDecryption.TryCombine(c, combined, out var element), Is.True);
                Assert.That(table.TrySolve(element, out var weight) ? weight : ulong.MaxValue, Is.EqualTo(Expected[option]),
                    $"option {option} from trustees {string.Join(",", present)}");
            }
        }
    }

    [Test]
    public void The_result_is_due_once_three_shares_are_on_chain_and_matches_the_votes()
    {
        _secret.RunHonestKeyGeneration(1, 2, 3, 4);
        var tally = KnownTally();
        _secret.Chain.Time = ClosesAt;
        var two = WithShares(_secret.Secret, (4, SharesOf(4, tally)), (2, SharesOf(2, tally)));
        Assert.That(_secret.Plan(2, tally, two).Duties, Is.Empty, "trustee 2 posted its shares and two are not enough for a result");

        var three = WithShares(_secret.Secret, (4, SharesOf(4, tally)), (2, SharesOf(2, tally)), (3, SharesOf(3, tally)));
        var plan = _secret.Plan(1, tally, three);
        Assert.That(plan.Problem, Is.Null);
        Assert.That(plan.Duties.Select(d => d.Step), Is.EqualTo(new[] { "decryption-shares", "result" }));
        var result = plan.Duties[1].Payload.PublishResult;
        Assert.That(result.ElectionId, Is.EqualTo(ElectionId));
        Assert.That(result.OptionWeights, Is.EqualTo(Expected));

        tally.ResultPublished = true;
        Assert.That(_secret.Plan(1, tally, three).Duties, Is.Empty, "nothing is due once the result is out");
    }

    [Test]
    public void An_empty_tally_gets_identity_shares_with_empty_proofs_and_a_zero_result()
    {
        _secret.RunHonestKeyGeneration(1, 2, 3, 4);
        var tally = Tally([Ciphertext.Zero, Ciphertext.Zero, Ciphertext.Zero], 0, 0);
        _secret.Chain.Time = ClosesAt;
        var shares = SharesOf(1, tally);
        Assert.That(shares.Shares.Select(s => s.ToByteArray()), Is.All.EqualTo(GroupElement.Identity.ToArray()));
        Assert.That(shares.Proofs.Select(p => p.Length), Is.All.EqualTo(0));

        var secret = WithShares(_secret.Secret, (1, shares), (2, SharesOf(2, tally)), (3, SharesOf(3, tally)));
        var result = _secret.Plan(4, tally, secret).Duties.Single(d => d.Step == "result").Payload.PublishResult;
        Assert.That(result.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 0 }));
    }

    [Test]
    public void A_trustee_holding_a_bad_share_it_never_complained_about_posts_no_shares_and_says_why()
    {
        var deal = _secret.Duty(2, "deal").KeyDeal;
        var wrong = _secret.Polynomial(2).Evaluate(3).Add(Scalar.One);
        Assert.That(ShareSealing.TrySeal(_secret.Trustees[2].PublicKey, wrong, out var sealedShare), Is.True);
        deal.SealedShares[2] = ByteString.CopyFrom(sealedShare);
        Assert.That(_secret.Commit(2, new TxPayload { KeyDeal = deal }), Is.Null);
        _secret.Post("deal", 1, 3, 4);
        _secret.Post("ack", 1, 2, 4); // trustee 3 misses the complaints phase
        _secret.Chain.Time = _secret.CreatedAt + 2 * PhaseMs;
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        Assert.That(_secret.Status.QualifiedDealers, Is.EqualTo(new uint[] { 1, 2, 3, 4 }), "no complaint, so dealer 2 stays");

        var tally = KnownTally();
        _secret.Chain.Time = ClosesAt;
        var plan = _secret.Plan(3, tally);
        Assert.That(plan.Duties, Is.Empty, "shares that would fail their proofs are not produced");
        Assert.That(plan.Problem, Does.Contain("cannot decrypt").And.Contain("by 2"));

        // The other three still decrypt.
        var secret = WithShares(_secret.Secret, (1, SharesOf(1, tally)), (2, SharesOf(2, tally)), (4, SharesOf(4, tally)));
        var result = _secret.Plan(3, tally, secret).Duties.Single(d => d.Step == "result").Payload.PublishResult;
        Assert.That(result.OptionWeights, Is.EqualTo(Expected));
    }

    [Test]
    public void With_one_trustee_absent_from_key_generation_the_other_three_decrypt()
    {
        _secret.RunHonestKeyGeneration(1, 2, 3);
        _secret.Chain.Time = _secret.CreatedAt + 2 * PhaseMs;
        Assert.That(_secret.Status.Phase, Is.EqualTo(KeyGenerationPhase.Final));

        var tally = KnownTally();
        _secret.Chain.Time = ClosesAt;
        var secret = WithShares(_secret.Secret, (1, SharesOf(1, tally)), (2, SharesOf(2, tally)), (3, SharesOf(3, tally)));
        var result = _secret.Plan(1, tally, secret).Duties.Single(d => d.Step == "result").Payload.PublishResult;
        Assert.That(result.OptionWeights, Is.EqualTo(Expected));
    }

    [Test]
    public void A_trustee_that_is_not_in_the_election_has_nothing_to_do()
    {
        using var stranger = TrusteeKey.FromSeed(Seed(99));
        var plan = TrusteeDuties.Plan(stranger, _secret.View(secret: new SecretRecord()));
        Assert.That(plan.Duties, Is.Empty);
        Assert.That(plan.Problem, Is.Null);
        Assert.That(_secret.Plan(1).Duties.Select(d => d.Step), Is.EqualTo(new[] { "deal" }), "while a trustee has its deal due");
    }
}
