using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;
using static VoteChain.Consensus.Tests.Secret.SecretTestChain;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// When the planner decrypts: only once the committed head block is past the close, whatever the trustee's clock
/// says, with a CloseTally to make that block on an idle chain; and the result apart, solved once per sums.
/// </summary>
public sealed class DecryptionTimingTests
{
    private SecretTestChain _secret = null!;

    [SetUp]
    public void SetUp()
    {
        _secret = new SecretTestChain(trustees: 4, threshold: 3);
        _secret.RunHonestKeyGeneration(1, 2, 3, 4);
    }

    [TearDown]
    public void TearDown() => _secret.Dispose();

    /// <summary>A tally of one ballot of weight <paramref name="weight"/> for option <paramref name="option"/>, encrypted here.</summary>
    private TallyRecord TallyOf(params (ulong Weight, int Option)[] ballots)
    {
        var key = _secret.Status.JointKey!;
        var sums = Enumerable.Repeat(Ciphertext.Zero, 3).ToArray();
        foreach (var (weight, option) in ballots)
        {
            for (var i = 0; i < 3; i++)
            {
                sums[i] = sums[i].Add(ElGamal.Encrypt(key, i == option ? weight : 0).Ciphertext);
            }
        }

        var tally = new TallyRecord { Secret = true, CountedBallots = (ulong)ballots.Length, CountedWeight = ballots.Aggregate(0UL, (s, b) => s + b.Weight) };
        tally.OptionWeights.AddRange(new ulong[3]);
        tally.OptionCiphertexts.AddRange(sums.Select(c => ByteString.CopyFrom(c.ToArray())));
        return tally;
    }

    private static IEnumerable<string> Steps(TrusteePlan plan) => plan.Duties.Select(d => d.Step);

    [TestCase(0, -1, TestName = "At the close by the trustee's clock, with the head a millisecond before it")]
    [TestCase(5_000, -1, TestName = "Past the close by the clock drift, with the head just before it")]
    [TestCase(3_600_000, -5_000, TestName = "An hour past the close, with the head still before it")]
    public void No_decryption_share_is_planned_while_the_head_block_is_before_the_close(long nowAfterClose, long headAfterClose)
    {
        // The attack: a Byzantine proposer still holds a withheld ballot it may commit in a block stamped before the
        // close. Shares of the sums without it, and later with it, would tell it that ballot. So none are made until
        // the committed head is past the close; the trustee asks for that block instead.
        var tally = TallyOf((5, 0), (2, 1));
        _secret.Chain.Time = ClosesAt + nowAfterClose;
        var plan = _secret.Plan(1, tally, headTime: ClosesAt + headAfterClose);
        Assert.That(Steps(plan), Is.EqualTo(new[] { "close" }));
        Assert.That(plan.Duties[0].Payload.CloseTally.ElectionId, Is.EqualTo(ElectionId));
        Assert.That(plan.Duties[0].Payload.ChainId, Is.EqualTo(TestChain.ChainId));
    }

    [Test]
    public void Before_the_close_by_the_trustee_s_clock_nothing_is_due()
    {
        _secret.Chain.Time = ClosesAt - 1;
        Assert.That(_secret.Plan(1, TallyOf((5, 0)), headTime: ClosesAt - 2_000).Duties, Is.Empty);
    }

    [Test]
    public void The_close_step_commits_a_block_past_the_close_after_which_shares_are_due_and_no_close()
    {
        _secret.Chain.Time = ClosesAt + 1_000;
        var close = _secret.Plan(1, headTime: ClosesAt - 1).Duties.Single();
        Assert.That(close.Step, Is.EqualTo("close"));
        var block = _secret.Chain.Time;
        Assert.That(_secret.Commit(1, close.Payload), Is.Null, "accepted at block time past the close");

        var plan = _secret.Plan(1, headTime: block);
        Assert.That(Steps(plan), Is.EqualTo(new[] { "decryption-shares" }));
        Assert.That(plan.ResultDue, Is.False, "no shares on chain yet");
        Assert.That(_secret.Commit(1, plan.Duties[0].Payload), Is.Null, "the shares pass the rules at the head's sums");
    }

    [Test]
    public void Plan_never_computes_the_result_but_says_it_is_due_and_Result_solves_it_once_per_sums()
    {
        var tally = TallyOf((5, 0), (2, 1), (7, 1));
        _secret.Chain.Time = ClosesAt;
        var secret = _secret.Secret.Clone();
        foreach (var trustee in new[] { 2, 3, 4 })
        {
            var shares = TrusteeDuties.Plan(_secret.Trustees[trustee - 1], _secret.View(tally, secret)).Duties.Single().Payload.DecryptionShares;
            secret.DecryptionShares.Add(new ShareRecord { Trustee = (uint)trustee, Shares = { shares.Shares }, Proofs = { shares.Proofs } });
        }

        var view = _secret.View(tally, secret);
        var plan = TrusteeDuties.Plan(_secret.Trustees[0], view);
        Assert.That(plan.ResultDue, Is.True);
        Assert.That(Steps(plan), Does.Not.Contain("result"));

        var solved = new SolvedResults();
        var first = TrusteeDuties.Result(_secret.Trustees[0], view, solved).Duties.Single().Payload.PublishResult;
        var again = TrusteeDuties.Result(_secret.Trustees[0], view, solved).Duties.Single().Payload.PublishResult;
        Assert.That(first.OptionWeights, Is.EqualTo(new ulong[] { 5, 9, 0 }));
        Assert.That(again, Is.EqualTo(first));
        Assert.That(solved.Solved, Is.EqualTo(1), "the retry took the weights solved before");

        Assert.That(TrusteeDuties.Result(_secret.Trustees[0], view with { HeadTimeUnixMs = ClosesAt - 1 }, solved).Duties, Is.Empty,
            "and it is never due before the head is past the close");
    }

    [Test]
    public void Other_sums_are_solved_afresh()
    {
        var solved = new SolvedResults();
        _secret.Chain.Time = ClosesAt;
        foreach (var tally in new[] { TallyOf((5, 0)), TallyOf((3, 2)) })
        {
            var secret = _secret.Secret.Clone();
            foreach (var trustee in new[] { 1, 2, 3 })
            {
                var shares = TrusteeDuties.Plan(_secret.Trustees[trustee - 1], _secret.View(tally, secret)).Duties.Single().Payload.DecryptionShares;
                secret.DecryptionShares.Add(new ShareRecord { Trustee = (uint)trustee, Shares = { shares.Shares }, Proofs = { shares.Proofs } });
            }

            var result = TrusteeDuties.Result(_secret.Trustees[3], _secret.View(tally, secret), solved).Duties.Single().Payload.PublishResult;
            Assert.That(result.OptionWeights.Sum(w => (long)w), Is.EqualTo((long)tally.CountedWeight));
        }

        Assert.That(solved.Solved, Is.EqualTo(2));
    }
}
