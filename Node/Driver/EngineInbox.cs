using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Limits;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Driver;

/// <summary>
/// What waits for the consensus driver, shaped so that no flood can crowd out what consensus needs:
/// <list type="bullet">
/// <item>ticks are a small counter and "work pending" a flag: however many transactions arrive, neither takes room or is
/// dropped;</item>
/// <item>ticks wait at most <see cref="MaxPendingTicks"/> deep and take turns with the other inputs, so a burst of ticks
/// after a stall (a slow disk, a long block) cannot add up to a view timeout while the Prepares that arrived meanwhile
/// are still queued: the engine's clock lags by the stall instead, which costs a timeout a little later, never safety;</item>
/// <item>consensus messages sit in one queue per sending peer, bounded in bytes (a full queue drops that peer's oldest
/// message, which the engine's re-sends make good), and are served round-robin, so a chatty peer delays only itself;</item>
/// <item>fetched blocks (block sync, one batch at a time) have a lane of their own.</item>
/// </list>
/// Each take serves a pending tick first (unless the previous take was a tick and something else waits), then the work
/// flag, then a fetched block, then the next peer's message.
/// Many threads post; one (the driver) takes.
/// </summary>
internal sealed class EngineInbox
{
    /// <summary>Fetched blocks held at most: several sync batches (sync waits for each before fetching the next).</summary>
    public const long FetchedBlockBytes = 64L * 1024 * 1024;

    /// <summary>Ticks held while the driver is busy; more are dropped (the time of a stall is not counted twice).</summary>
    public const int MaxPendingTicks = 2;

    private readonly long _peerBytes;
    private readonly object _gate = new();
    private readonly Dictionary<string, ByteBoundedQueue<MessageReceived>> _peers = new(StringComparer.Ordinal);
    private readonly List<ByteBoundedQueue<MessageReceived>> _rotation = [];
    private readonly Queue<BlockFetched> _fetched = new();
    private readonly WakeSignal _signal = new();
    private long _fetchedBytes;
    private long _fetchedDropped;
    private long _ticks;
    private bool _workPending;
    private bool _lastWasTick;
    private int _next;

    /// <param name="peerBytes">Bytes of consensus messages held per sending peer.</param>
    public EngineInbox(long peerBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peerBytes);
        _peerBytes = peerBytes;
    }

    /// <summary>Consensus messages dropped because their peer's queue was full, and fetched blocks dropped.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _fetchedDropped + _rotation.Sum(lane => lane.Dropped);
            }
        }
    }

    public void PostTick()
    {
        lock (_gate)
        {
            _ticks = Math.Min(_ticks + 1, MaxPendingTicks);
        }

        _signal.Set();
    }

    public void PostWorkPending()
    {
        lock (_gate)
        {
            _workPending = true;
        }

        _signal.Set();
    }

    /// <param name="peer">Who sent it (its key): each sender has its own queue. Only validators' messages reach the engine,
    /// so there are at most as many queues as validators.</param>
    public void PostConsensus(MessageReceived message, string peer, int size)
    {
        lock (_gate)
        {
            if (!_peers.TryGetValue(peer, out var lane))
            {
                lane = new ByteBoundedQueue<MessageReceived>(_peerBytes);
                _peers.Add(peer, lane);
                _rotation.Add(lane);
            }

            lane.Enqueue(message, size);
        }

        _signal.Set();
    }

    public void PostFetched(BlockFetched block)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_gate)
        {
            // Over the bound the newest is dropped: sync sees the batch not taken and asks again.
            if (_fetchedBytes + block.Block.Length > FetchedBlockBytes)
            {
                _fetchedDropped++;
                return;
            }

            _fetched.Enqueue(block);
            _fetchedBytes += block.Block.Length;
        }

        _signal.Set();
    }

    public bool TryTake(out IEngineInput input)
    {
        lock (_gate)
        {
            if (_ticks > 0 && !_lastWasTick && TakeTick(out input))
            {
                return true;
            }

            _lastWasTick = false;
            if (TakeOther(out input) || (_ticks > 0 && TakeTick(out input)))
            {
                return true;
            }
        }

        input = null!;
        return false;
    }

    private bool TakeTick(out IEngineInput input)
    {
        _ticks--;
        _lastWasTick = true;
        input = Tick.Instance;
        return true;
    }

    /// <summary>The work flag, a fetched block, or the next peer's message, in that order.</summary>
    private bool TakeOther(out IEngineInput input)
    {
        if (_workPending)
        {
            _workPending = false;
            input = new WorkPending(true);
            return true;
        }

        if (_fetched.TryDequeue(out var fetched))
        {
            _fetchedBytes -= fetched.Block.Length;
            input = fetched;
            return true;
        }

        for (var i = 0; i < _rotation.Count; i++)
        {
            var lane = _rotation[_next];
            _next = (_next + 1) % _rotation.Count;
            if (lane.TryDequeue(out var message))
            {
                input = message;
                return true;
            }
        }

        input = null!;
        return false;
    }

    /// <summary>Waits until something may have been posted since the last empty <see cref="TryTake"/>.</summary>
    public void Wait(CancellationToken cancellation) => _signal.Wait(cancellation);
}
