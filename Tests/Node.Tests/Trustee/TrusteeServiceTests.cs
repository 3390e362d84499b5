using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Consensus.Secret;
using VoteChain.Networking.Events;
using VoteChain.Node.Trustee;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Trustee;

/// <summary>The node's trustee service: a pass per committed block, and a clean stop with the node.</summary>
public sealed class TrusteeServiceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private TrusteeKey _key = null!;
    private FakeTrusteeChain _chain = null!;
    private ManualClock _clock = null!;
    private ChainEvents _events = null!;
    private readonly List<TaskCompletionSource> _passes = [];
    private int _calls;

    [SetUp]
    public void SetUp()
    {
        _key = TrusteeKey.FromSeed(Enumerable.Repeat((byte)3, 32).ToArray());
        _chain = new FakeTrusteeChain();
        _clock = new ManualClock();
        _events = new ChainEvents(0);
        _chain.AddElection("e1", _clock.GetUtcNow(), _key.PublicKey);
        _passes.Clear();
        _calls = 0;
        for (var i = 0; i < 4; i++)
        {
            _passes.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    [TearDown]
    public void TearDown() => _key.Dispose();

    private ITrusteePlanner Planner => new FuncPlanner(Plan);

    private TrusteePlan Plan(TrusteeView view)
    {
        var call = Interlocked.Increment(ref _calls);
        _passes[Math.Min(call, _passes.Count) - 1].TrySetResult();
        return new TrusteePlan([], null);
    }

    private TrusteeService Service() =>
        new(_key, _chain, _events, _clock, NullLogger<TrusteeService>.Instance, Planner);

    [Test]
    public async Task A_committed_block_wakes_a_pass_and_the_service_stops_with_the_node()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        await _passes[0].Task.WaitAsync(Bound);

        // The clock's timers never fire here, so only the commit can cause the second pass.
        _events.Published(1);
        await _passes[1].Task.WaitAsync(Bound);
        await service.StopAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.That(service.ExecuteTask!.IsCompletedSuccessfully, Is.True);
        Assert.That(_calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Closing_the_chain_events_ends_the_loop()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        await _passes[0].Task.WaitAsync(Bound);

        _events.Close();
        await service.ExecuteTask!.WaitAsync(Bound);

        Assert.That(service.ExecuteTask.IsCompletedSuccessfully, Is.True);
        Assert.That(_calls, Is.EqualTo(1));
    }

    [Test]
    public void Each_step_is_logged_as_information_a_refusal_as_a_warning_and_a_step_already_on_chain_as_news()
    {
        var logger = new CapturingLogger();
        using var service = new TrusteeService(_key, _chain, _events, _clock, logger, Planner);
        ITrusteeLog log = service;

        log.Posted("e1", "deal", [0xab, 0xcd]);
        log.Refused("e1", "ack", "PHASE_OVER", "The complaints phase is over.");
        log.Refused("e1", "result", "ALREADY_POSTED", "The result is already published.");

        Assert.That(logger.Lines, Is.EqualTo(new[]
        {
            "Information trustee: dealt for election e1 (tx abcd)",
            "Warning trustee: ack for election e1 refused: PHASE_OVER: The complaints phase is over.",
            "Information trustee: result for election e1 was already on chain: The result is already published.",
        }));
    }

    [Test]
    public async Task A_slow_planner_does_not_hold_the_thread_that_starts_the_service()
    {
        using var release = new ManualResetEventSlim();
        using var service = new TrusteeService(_key, _chain, _events, _clock, NullLogger<TrusteeService>.Instance,
            new FuncPlanner(_ =>
            {
                _passes[0].TrySetResult();
                release.Wait(Bound);
                return new TrusteePlan([], null);
            }));

        await service.StartAsync(CancellationToken.None).WaitAsync(Bound);
        await _passes[0].Task.WaitAsync(Bound);
        var stopping = service.StopAsync(CancellationToken.None);
        var stoppedWhileBusy = stopping.IsCompleted;
        release.Set();
        await stopping.WaitAsync(Bound);

        Assert.That(stoppedWhileBusy, Is.False, "the pass in progress finishes before the stop completes");
        Assert.That(service.ExecuteTask!.IsCompletedSuccessfully, Is.True);
    }

    private sealed class CapturingLogger : Microsoft.Extensions.Logging.ILogger<TrusteeService>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel} {formatter(state, exception)}");
    }
}
