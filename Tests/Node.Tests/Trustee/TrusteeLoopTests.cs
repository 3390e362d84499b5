using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Trustee;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Trustee;

/// <summary>The shared trustee loop with a fake planner (the planner is tested with the rules) and an in-memory chain.</summary>
public sealed class TrusteeLoopTests
{
    private TrusteeKey _key = null!;
    private FakeTrusteeChain _chain = null!;
    private FakePlanner _planner = null!;
    private RecordingLog _log = null!;
    private ManualClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _key = TrusteeKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        _chain = new FakeTrusteeChain();
        _planner = new FakePlanner();
        _log = new RecordingLog();
        _clock = new ManualClock();
    }

    [TearDown]
    public void TearDown() => _key.Dispose();

    private TrusteeLoop Loop(string? only = null) => new(_key, _chain, _log, _clock, _planner, only);

    private static byte[] OtherKey(byte seed)
    {
        using var key = Ed25519KeyPair.FromSeed(Enumerable.Repeat(seed, 32).ToArray());
        return key.PublicKey;
    }

    [Test]
    public void Each_due_step_is_signed_with_the_trustee_key_for_the_chain_and_submitted()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), OtherKey(1), _key.PublicKey);
        _planner.Due["e1"] = ["ack"];

        var pass = Loop().RunOnce();

        Assert.That(pass, Is.EqualTo(new TrusteePass(1, 0, 1)));
        var envelope = _chain.Submitted.Single();
        Assert.That(envelope.Signer.ToByteArray(), Is.EqualTo(_key.PublicKey));
        var payload = TxPayload.Parser.ParseFrom(envelope.Payload);
        Assert.That(payload.ChainId, Is.EqualTo(_chain.ChainId));
        Assert.That(payload.KeyAck.ElectionId, Is.EqualTo("e1"));
        Assert.That(Ed25519.Verify(_key.PublicKey, TxSigning.SigningMessage(_chain.ChainId, envelope.Payload.Span), envelope.Signature.Span),
            Is.True);
        Assert.That(_log.Lines, Is.EqualTo(new[] { "posted ack e1" }));
    }

    [Test]
    public void Elections_that_do_not_name_the_key_or_are_open_are_never_planned()
    {
        _chain.AddElection("theirs", _clock.GetUtcNow(), OtherKey(1), OtherKey(2));
        var open = _chain.AddElection("open", _clock.GetUtcNow(), _key.PublicKey);
        open.Secret = null;

        var pass = Loop().RunOnce();

        Assert.That(pass.Elections, Is.Zero);
        Assert.That(_planner.Calls, Is.Empty);
        Assert.That(pass.AllFinished, Is.False, "nothing to do is not the same as done");
    }

    [Test]
    public void With_one_election_chosen_the_others_are_left_alone()
    {
        _chain.AddElection("a", _clock.GetUtcNow(), _key.PublicKey);
        _chain.AddElection("b", _clock.GetUtcNow(), _key.PublicKey);

        Loop(only: "b").RunOnce();

        Assert.That(_planner.Calls.Keys, Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void A_step_is_not_submitted_again_while_it_may_be_pending_then_is_after_the_hold()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["deal"];
        var loop = Loop();

        loop.RunOnce();
        _clock.Advance(TrusteeLoop.PendingFor - TimeSpan.FromMilliseconds(1));
        var held = loop.RunOnce();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var again = loop.RunOnce();

        Assert.That(held.Submitted, Is.Zero);
        Assert.That(_planner.Calls["e1"], Is.EqualTo(3), "the planner is asked each pass; only the submission is held");
        Assert.That(again.Submitted, Is.EqualTo(1));
        Assert.That(_chain.Submitted, Has.Count.EqualTo(2));
    }

    [Test]
    public void A_step_still_in_the_mempool_is_held_past_the_hold()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["deal"];
        _chain.Status = TrusteeTxStatus.Pending;
        var loop = Loop();

        loop.RunOnce();
        _clock.Advance(TrusteeLoop.PendingFor * 3);
        loop.RunOnce();

        Assert.That(_chain.Submitted, Has.Count.EqualTo(1));
        Assert.That(loop.PendingSteps, Is.EqualTo(1));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_step_that_committed_or_was_dropped_is_forgotten_at_once(bool committed)
    {
        var status = committed ? TrusteeTxStatus.Committed : TrusteeTxStatus.Dropped;
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["reveal"];
        var loop = Loop();
        loop.RunOnce();

        _chain.Status = status;
        loop.RunOnce();

        // A second reveal (another complaint) is due: it goes out without waiting for the first one's hold.
        Assert.That(_chain.Submitted, Has.Count.EqualTo(2));
        Assert.That(loop.PendingSteps, Is.EqualTo(1));
    }

    [Test]
    public void Different_steps_and_elections_are_held_apart()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _chain.AddElection("e2", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["deal"];
        _planner.Due["e2"] = ["deal"];
        var loop = Loop();
        loop.RunOnce();

        _planner.Due["e1"] = ["deal", "ack"];
        var second = loop.RunOnce();

        Assert.That(second.Submitted, Is.EqualTo(1));
        Assert.That(_log.Lines, Is.EqualTo(new[] { "posted deal e1", "posted deal e2", "posted ack e1" }));
    }

    [Test]
    public void Reveals_to_different_complainers_are_held_apart_and_a_repeated_one_is_held()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["reveal:2", "reveal:3"];
        var loop = Loop();

        var first = loop.RunOnce();
        var second = loop.RunOnce();

        Assert.That(first.Submitted, Is.EqualTo(2));
        Assert.That(second.Submitted, Is.Zero);
        Assert.That(_chain.Submitted.Select(e => TxPayload.Parser.ParseFrom(e.Payload).KeyReveal.Recipient), Is.EqualTo(new uint[] { 2, 3 }));
    }

    [Test]
    public void The_planner_s_problem_is_reported_once_and_its_duties_still_go_out()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["deal"];
        _planner.Problem = "Trustee 2's key cannot receive a sealed share.";
        var loop = Loop();

        loop.RunOnce();
        loop.RunOnce();

        Assert.That(_log.Lines, Is.EqualTo(new[] { "failed e1 Trustee 2's key cannot receive a sealed share.", "posted deal e1" }));
    }

    [Test]
    public void A_refusal_is_reported_once_and_tried_again_only_after_a_pause()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["deal"];
        _chain.RefuseWith = "PHASE_NOT_OPEN";
        var loop = Loop();

        loop.RunOnce();
        var soon = loop.RunOnce();
        _clock.Advance(TrusteeLoop.RetryAfterRefusal);
        loop.RunOnce();
        _chain.RefuseWith = null;
        _clock.Advance(TrusteeLoop.RetryAfterRefusal);
        var accepted = loop.RunOnce();

        Assert.That(soon.Submitted, Is.Zero);
        Assert.That(accepted.Submitted, Is.EqualTo(1));
        Assert.That(_log.Lines, Is.EqualTo(new[] { "refused deal e1 PHASE_NOT_OPEN", "posted deal e1" }));
    }

    [Test]
    public void A_failing_planner_is_reported_once_and_does_not_stop_other_elections()
    {
        _chain.AddElection("bad", _clock.GetUtcNow(), _key.PublicKey);
        _chain.AddElection("good", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["good"] = ["ack"];
        var loop = Loop();
        _planner.Throw = new InvalidOperationException("boom");

        loop.RunOnce();
        loop.RunOnce();

        Assert.That(_log.Lines.Count(l => l.Contains("boom", StringComparison.Ordinal)), Is.EqualTo(2), "one line per election, not per pass");
        Assert.That(_log.Lines, Has.Some.EqualTo("failed bad InvalidOperationException: boom"));

        _planner.Throw = null;
        Assert.That(loop.RunOnce().Submitted, Is.EqualTo(1));
    }

    [Test]
    public void An_unreadable_chain_is_reported_once_per_outage_and_the_next_pass_tries_again()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.Due["e1"] = ["ack"];
        _chain.Unreachable = true;
        var loop = Loop();

        var down = loop.RunOnce();
        loop.RunOnce();
        _chain.Unreachable = false;
        var up = loop.RunOnce();
        _chain.Unreachable = true;
        loop.RunOnce();

        Assert.That(down, Is.EqualTo(new TrusteePass(0, 0, 0)));
        Assert.That(up.Submitted, Is.EqualTo(1));
        Assert.That(loop.LastPass, Is.EqualTo(new TrusteePass(0, 0, 0)));
        Assert.That(_log.Lines, Is.EqualTo(new[]
        {
            "failed  cannot reach a node at http://nowhere", "posted ack e1", "failed  cannot reach a node at http://nowhere",
        }));
    }

    [Test]
    public void An_election_with_its_result_out_is_finished_and_no_longer_planned()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _chain.AddElection("e2", _clock.GetUtcNow(), _key.PublicKey);
        var loop = Loop();
        _chain.States["e1"].Tally.ResultPublished = true;

        var first = loop.RunOnce();
        _chain.States["e2"].Tally.ResultPublished = true;
        var second = loop.RunOnce();

        Assert.That(first, Is.EqualTo(new TrusteePass(2, 1, 0)));
        Assert.That(first.AllFinished, Is.False);
        Assert.That(second.AllFinished, Is.True);
        Assert.That(_planner.Calls.Keys, Is.EqualTo(new[] { "e2" }));
        loop.RunOnce();
        Assert.That(_log.Lines, Is.EqualTo(new[] { "over e1 result published", "over e2 result published" }), "said once each");
    }

    [Test]
    public void An_election_whose_key_generation_failed_is_finished()
    {
        // Created long ago, nobody dealt: past the answers phase with no qualified dealer, the key failed for good.
        _chain.AddElection("e1", _clock.GetUtcNow() - TimeSpan.FromHours(1), _key.PublicKey);

        var pass = Loop().RunOnce();

        Assert.That(pass.AllFinished, Is.True);
        Assert.That(_planner.Calls, Is.Empty);
        Assert.That(_log.Lines.Single(), Does.StartWith("over e1 key generation failed"));
    }

    [Test]
    public async Task Run_ends_when_every_election_is_finished()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        var waits = 0;

        await Loop().RunAsync(_ =>
        {
            waits++;
            _chain.States["e1"].Tally.ResultPublished = true;
            return Task.FromResult(true);
        }, untilFinished: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(waits, Is.EqualTo(1));
        Assert.That(_planner.Calls["e1"], Is.EqualTo(1));
    }

    [Test]
    public async Task Run_ends_when_the_source_closes_or_when_cancelled_during_the_wait()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        var closed = Loop().RunAsync(_ => Task.FromResult(false), untilFinished: false, CancellationToken.None);
        await closed.WaitAsync(TimeSpan.FromSeconds(30));

        using var stop = new CancellationTokenSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Loop().RunAsync(async token =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return true;
        }, untilFinished: false, stop.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(closed.IsCompletedSuccessfully, Is.True);
        Assert.That(running.IsCompletedSuccessfully, Is.True, "a stop is a normal end, not a fault");
        Assert.That(_planner.Calls["e1"], Is.EqualTo(2));
    }
}
