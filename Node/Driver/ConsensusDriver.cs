using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Events;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using VoteChain.Storage.Signing;

namespace VoteChain.Node.Driver;

/// <summary>
/// Owns the PBFT engine and is the only thread that touches it: feeds it ticks, peer messages, proposals and
/// fetched blocks, and carries out its outputs in the order safety needs: sign-state persisted (synced) before
/// any signed message leaves; each committed block written in one synced batch before anyone is told.
/// </summary>
internal sealed partial class ConsensusDriver : BackgroundService
{
    // Ticks and "work pending" are coalesced, peer messages queued per peer by bytes: a flood starves nothing.
    private readonly EngineInbox _inputs;

    /// <summary>How many pending transactions a view change, or a commit, gossips again (a bounded nudge, not a flood).</summary>
    private const int RegossipBatch = 256;

    /// <summary>Commits re-gossip at most this often, so an observer syncing many blocks does not repeat itself.</summary>
    private static readonly TimeSpan RegossipInterval = TimeSpan.FromSeconds(1);

    private long _ticksSinceRegossip;

    /// <summary>A commit happened since the last re-gossip; the next tick past the interval sends it.</summary>
    private bool _regossipDue;

    private readonly PbftEngine _engine;
    private readonly ChainStore _store;
    private readonly SignStateFile? _signState;
    private readonly Mempool _mempool;
    private readonly ChainExecutor _executor;
    private readonly BlockProducer _producer;
    private readonly PeerNetwork _peers;
    private readonly ChainEvents _events;
    private readonly EvidenceRecorder _evidence;
    private readonly TimeSpan _tick;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ConsensusDriver> _logger;
    private readonly NodeMembership? _membership;

    /// <param name="signState">Where the validator's sign-state is persisted; null for an observer, which never signs.</param>
    public ConsensusDriver(PbftEngine engine, ChainStore store, SignStateFile? signState, Mempool mempool, ChainExecutor executor, BlockProducer producer,
        PeerNetwork peers, ChainEvents events, EvidenceRecorder evidence, TimeSpan tick, IHostApplicationLifetime lifetime,
        ILogger<ConsensusDriver> logger, long inboxPeerBytes = 32L << 20, NodeMembership? membership = null)
    {
        _membership = membership;
        _signingSlot = engine.Index is { } index ? (int)index : -1;
        _inputs = new EngineInbox(inboxPeerBytes);
        _lifetime = lifetime;
        _engine = engine;
        _store = store;
        _signState = signState;
        _mempool = mempool;
        _executor = executor;
        _producer = producer;
        _peers = peers;
        _events = events;
        _evidence = evidence;
        _tick = tick;
        _logger = logger;
    }

    /// <summary>Set by block sync: heights from here on are wanted from peers.</summary>
    public event Action<ulong>? FetchRequested;

    /// <summary>A fetched block the engine refused: block sync blames the peer that served it.</summary>
    public event Action<RefusedBlock>? BlockRefused;

    /// <summary>A block was committed (written, the mempool told): raised on the consensus thread, so handlers only count.</summary>
    public event Action<BlockCommitted>? Committed;

    /// <summary>The engine moved to a later view at the same height (the new view); raised on the consensus thread.</summary>
    public event Action<ulong>? ViewChanged;

    /// <summary>Why the driver stopped the node, when something it could not survive happened; else null.</summary>
    public string? Fatal { get; private set; }

    public ulong View { get; private set; }

    /// <summary>The height the engine is agreeing on.</summary>
    public ulong Height { get; private set; }

    /// <summary>Whether the engine signs at its current height (read by status on other threads).</summary>
    public bool IsSigning => Volatile.Read(ref _signingSlot) >= 0;

    private int _signingSlot = -1;

    /// <summary>Equivocation evidence stored, read from the store so that it survives restarts.</summary>
    public long Evidence => _evidence.Count;

    /// <summary>Time passed, work is pending, or sync fetched a block. Consensus messages go through <see cref="PostConsensus"/>.</summary>
    public void Post(IEngineInput input)
    {
        switch (input)
        {
            case Tick:
                _inputs.PostTick();
                break;
            case WorkPending:
                _inputs.PostWorkPending();
                break;
            case BlockFetched fetched:
                _inputs.PostFetched(fetched);
                break;
            default:
                throw new ArgumentException($"{input.GetType().Name} is not posted from outside the driver", nameof(input));
        }
    }

    /// <summary>A consensus message from the peer with the given key (hex), queued with that peer's others.</summary>
    public void PostConsensus(ConsensusMessage message, string peer) =>
        _inputs.PostConsensus(new MessageReceived(message) { ReceivedAtUnixMs = _executor.NowUnixMs }, peer, message.CalculateSize());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticker = new PeriodicTimer(_tick);
        // The ticker stops with the loop, also when a fatal error ends it while the host is still up (it shuts down after
        // that, or never when embedded): only then does this task complete and the health check see a driver that is gone.
        using var ticking = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var ticks = Task.Run(async () =>
        {
            while (await ticker.WaitForNextTickAsync(ticking.Token).ConfigureAwait(false))
            {
                Post(Tick.Instance);
            }
        }, ticking.Token);

        _inputs.PostWorkPending();
        // The loop owns a thread: on the thread pool its every wake-up queued behind the signature checks of whole batches
        // (parallel loops fill the pool under load), and a follower got to an honest proposal seconds late.
        var loop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                RunLoop(stoppingToken);
                loop.SetResult();
            }
#pragma warning disable CA1031 // Handed to the host through the task, as an async loop's exception would be.
            catch (Exception e)
#pragma warning restore CA1031
            {
                loop.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "consensus driver",
        };
        thread.Start();
        try
        {
            await loop.Task.ConfigureAwait(false);
        }
        finally
        {
            await ticking.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await ticks.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The ticker stops with the host.
        }
    }

    private void RunLoop(CancellationToken stoppingToken)
    {
        try
        {
            var running = true;
            while (running)
            {
                while (running && _inputs.TryTake(out var input))
                {
                    running = TryHandle(input);
                }

                if (running)
                {
                    _inputs.Wait(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the step in progress has finished; nothing is half-written.
        }
    }

    /// <summary>
    /// Anything thrown here is a bug or a diverged store, never a peer's doing (untrusted input is refused inside the
    /// engine). The node cannot go on signing from an unknown state, so it stops cleanly, saying why in one line.
    /// </summary>
    private bool TryHandle(IEngineInput input)
    {
        try
        {
            Handle(input);
            return true;
        }
#pragma warning disable CA1031 // Whatever it is, the node must stop with one clear line rather than die silently.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fatal = $"the consensus driver stopped at height {_engine.Height}: {e.Message}";
            LogFatal(Fatal, e);
            _lifetime.StopApplication();
            return false;
        }
    }

    private void Handle(IEngineInput input)
    {
        if (input is Tick)
        {
            _ticksSinceRegossip++;
            if (_regossipDue && _ticksSinceRegossip * _tick >= RegossipInterval)
            {
                RegossipOldestPending();
            }
        }

        // "Work pending" is a nudge to look at the mempool now: a nudge queued before the last commit may be stale,
        // and taking it at its word would make an empty block.
        if (input is WorkPending)
        {
            input = new WorkPending(_mempool.Count > 0);
        }

        // Never later than now: a message stamped by a clock that has since been set back is judged now.
        _executor.JudgingAtUnixMs = input is MessageReceived { ReceivedAtUnixMs: > 0 } received
            ? Math.Min(received.ReceivedAtUnixMs, _executor.NowUnixMs)
            : null;
        StepOutput output;
        try
        {
            output = _engine.Step(input);
        }
        finally
        {
            _executor.JudgingAtUnixMs = null;
        }

        if (_engine.View != View && _engine.Height == Height)
        {
            LogViewChange(_engine.Height, _engine.View, string.Join(", ", _engine.Drops.Select(d => $"{d.Key}={d.Value}")));
            ViewChanged?.Invoke(_engine.View);
            // Gossip is sent once: if it was lost, only this node knows of the work it is timing out over, and a single
            // view change does not make idle validators act. Handing them the oldest pending transactions does.
            RegossipOldestPending();
        }

        View = _engine.View;
        Height = _engine.Height;
        var signing = _engine.Index is { } index ? (int)index : -1;
        if (signing != _signingSlot)
        {
            _membership?.OnSigningChanged(_signingSlot >= 0 ? (uint)_signingSlot : null, _engine.Index, _engine.Height);
            Volatile.Write(ref _signingSlot, signing);
        }

        if (output.IsEmpty)
        {
            return;
        }

        // Finalized blocks first, then the sign-state, then messages: the sign-state may concern the next height (the
        // engine replays buffered messages after finalizing). A sign-state ahead of the blocks (a wiped or restored data
        // folder) is safe too: the engine signs nothing at or below it, and resumes from it once sync gets there.
        foreach (var committed in output.Finalized)
        {
            var started = Stopwatch.GetTimestamp();
            var commit = _executor.Prepare(committed);
            var writing = Stopwatch.GetTimestamp();
            _store.Write(commit);
            var written = Stopwatch.GetTimestamp();
            _mempool.OnCommitted(commit);
            _events.Published(commit.Height);
            _membership?.OnCommitted(committed.Block.Header);
            if (_membership?.TimingAfter(commit.Height) is { } timing)
            {
                _engine.Retime(timing.ViewTimeoutTicks, timing.BlockIntervalTicks);
            }

            Committed?.Invoke(new BlockCommitted(commit, Stopwatch.GetElapsedTime(started), Stopwatch.GetElapsedTime(writing, written)));
            // Where a commit's time went, for an operator asking why blocks are slow: executing it (free when this node
            // judged it already), writing it, and re-checking the pending transactions against the new state.
            LogCommitted(commit.Height, Convert.ToHexStringLower(commit.BlockHash.AsSpan(0, 8)), commit.TxIds.Count,
                committed.Certificate.View, (long)Stopwatch.GetElapsedTime(started, writing).TotalMilliseconds,
                (long)Stopwatch.GetElapsedTime(writing, written).TotalMilliseconds, (long)Stopwatch.GetElapsedTime(written).TotalMilliseconds);
        }

        if (output.Persist is not null)
        {
            // A signing engine without a file to remember it in is a wiring bug: nothing signed may leave unrecorded.
            (_signState ?? throw new InvalidOperationException("the engine signed but this node has no sign-state file"))
                .Write(output.Persist);
        }

        foreach (var message in output.Messages)
        {
            _peers.BroadcastConsensus(message);
        }

        foreach (var refused in output.RefusedBlocks)
        {
            LogRefusedBlock(refused.Height, refused.Source ?? "unknown", refused.Problem);
            BlockRefused?.Invoke(refused);
        }

        foreach (var evidence in output.Evidence)
        {
            // The engine reports a pair again whenever the validator re-sends; only news deserves a warning.
            var outcome = _evidence.Record(evidence);
            if (outcome is EvidenceWriteOutcome.Duplicate or EvidenceWriteOutcome.HeightRecorded)
            {
                LogEvidenceKnown(evidence.Validator, outcome.Value);
            }
            else
            {
                LogEvidence(evidence.Validator, outcome?.ToString() ?? "not a conflicting pair");
            }
        }

        if (output.Finalized.Count > 0)
        {
            // A peer may have refused one of this node's pending transactions for a passing reason (a revote too soon
            // after another, a full pool) that a commit has cured; it takes it again only when offered again, and an
            // observer or API node never proposes it itself. So a commit makes a re-gossip due (sent on a tick, at most
            // once per interval). Peers that hold a transaction drop the copy by its hash.
            _regossipDue = true;

            Handle(new WorkPending(_mempool.Count > 0));
        }

        if (output.Propose is { } request)
        {
            var building = Stopwatch.GetTimestamp();
            var proposal = _producer.Build(request);
            LogBuilt(request.Height, request.View, proposal.Length, (long)Stopwatch.GetElapsedTime(building).TotalMilliseconds);
            Handle(new ProposalBuilt(request.Height, request.View, proposal));
        }

        if (output.FetchFrom is { } from)
        {
            FetchRequested?.Invoke(from);
        }
    }

    private void RegossipOldestPending()
    {
        _ticksSinceRegossip = 0;
        _regossipDue = false;
        foreach (var tx in _mempool.TakeForBlock(RegossipBatch, long.MaxValue))
        {
            _peers.BroadcastTransaction(tx.EnvelopeBytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Committed block {Height} {Hash} with {Transactions} transactions (view {View}; executed {ExecuteMs} ms, written {WriteMs} ms, mempool re-checked {RecheckMs} ms)")]
    private partial void LogCommitted(ulong height, string hash, int transactions, ulong view, long executeMs, long writeMs, long recheckMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Built the proposal for height {Height} view {View}: {Bytes} bytes in {Milliseconds} ms")]
    private partial void LogBuilt(ulong height, ulong view, int bytes, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "View change at height {Height}: now view {View} (messages dropped so far: {Drops})")]
    private partial void LogViewChange(ulong height, ulong view, string drops);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused block {Height} from peer {Peer}: {Problem}")]
    private partial void LogRefusedBlock(ulong height, string peer, string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping the node: {Reason}")]
    private partial void LogFatal(string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Validator {Validator} equivocated; evidence: {Outcome}")]
    private partial void LogEvidence(uint validator, string outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Validator {Validator} equivocated again; evidence: {Outcome}")]
    private partial void LogEvidenceKnown(uint validator, EvidenceWriteOutcome outcome);
}
