using VoteChain.Consensus.Secret;
using VoteChain.Node.Trustee;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Trustee;

/// <summary>
/// What the loop hands the planner (the head block's time and the genesis hash), and how it plans results: after
/// every election's other steps, and never again while one it sent is pending or was just refused.
/// </summary>
public sealed class TrusteeLoopResultTests
{
    private TrusteeKey _key = null!;
    private FakeTrusteeChain _chain = null!;
    private FakePlanner _planner = null!;
    private RecordingLog _log = null!;
    private ManualClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _key = TrusteeKey.FromSeed(Enumerable.Repeat((byte)9, 32).ToArray());
        _chain = new FakeTrusteeChain();
        _planner = new FakePlanner();
        _log = new RecordingLog();
        _clock = new ManualClock();
    }

    [TearDown]
    public void TearDown() => _key.Dispose();

    private TrusteeLoop Loop() => new(_key, _chain, _log, _clock, _planner);

    private IEnumerable<string> SubmittedKinds() =>
        _chain.Submitted.Select(e => TxPayload.Parser.ParseFrom(e.Payload)).Select(p => $"{p.KindCase} {ElectionOf(p)}");

    private static string ElectionOf(TxPayload payload) => payload.KindCase switch
    {
        TxPayload.KindOneofCase.PublishResult => payload.PublishResult.ElectionId,
        TxPayload.KindOneofCase.KeyAck => payload.KeyAck.ElectionId,
        _ => "?",
    };

    [Test]
    public void The_planner_sees_the_head_block_time_the_clock_and_the_chain_s_genesis_hash()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        var state = _chain.States["e1"];
        _chain.States["e1"] = state with { HeadTimeUnixMs = 1_234_567 };
        _chain.GenesisHash[0] = 0x42;

        Loop().RunOnce();

        var view = _planner.Views.Single();
        Assert.That(view.HeadTimeUnixMs, Is.EqualTo(1_234_567));
        Assert.That(view.NowUnixMs, Is.EqualTo(_clock.GetUtcNow().ToUnixTimeMilliseconds()));
        Assert.That(view.GenesisHash, Is.EqualTo(_chain.GenesisHash));
        Assert.That(view.ChainId, Is.EqualTo(_chain.ChainId));
    }

    [Test]
    public void Every_election_s_other_steps_go_out_before_any_result_is_computed()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _chain.AddElection("e2", _clock.GetUtcNow(), _key.PublicKey);
        _planner.ResultDue.Add("e1");
        _planner.Due["e2"] = ["ack"];

        Loop().RunOnce();

        Assert.That(SubmittedKinds(), Is.EqualTo(new[] { "KeyAck e2", "PublishResult e1" }),
            "e2's deadline-bound ack does not wait for e1's discrete logs");
        Assert.That(_planner.ResultCalls, Is.EqualTo(new[] { "e1" }));
    }

    [Test]
    public void A_result_is_not_computed_again_while_the_one_sent_is_pending_or_was_just_refused()
    {
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _planner.ResultDue.Add("e1");
        var loop = Loop();

        loop.RunOnce();
        loop.RunOnce();
        _clock.Advance(TrusteeLoop.PendingFor - TimeSpan.FromMilliseconds(1));
        loop.RunOnce();
        Assert.That(_planner.ResultCalls, Has.Count.EqualTo(1), "pending: neither computed nor sent again");
        Assert.That(_planner.Calls["e1"], Is.EqualTo(3), "the other steps are still planned each pass");

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        _chain.RefuseWith = "PHASE_NOT_OPEN";
        loop.RunOnce();
        Assert.That(_planner.ResultCalls, Has.Count.EqualTo(2), "the hold is over: computed and sent again");
        loop.RunOnce();
        Assert.That(_planner.ResultCalls, Has.Count.EqualTo(2), "refused a moment ago: not computed again yet");
        _clock.Advance(TrusteeLoop.RetryAfterRefusal);
        loop.RunOnce();
        Assert.That(_planner.ResultCalls, Has.Count.EqualTo(3));
    }
}
