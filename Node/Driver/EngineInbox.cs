using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Driver;

/// <summary>
/// What waits for the consensus driver, shaped so that no flood can crowd out what consensus needs:
/// <list type="bullet">
/// <item>ticks are a counter and "work pending" a flag: however many arrive, they take no room and are never dropped;</item>
/// <item>consensus messages sit in one queue per sending peer, bounded in bytes (a full queue drops that peer's oldest
/// message, which the engine's re-sends make good), and are served round-robin, so a chatty peer delays only itself;</item>
/// <item>fetched blocks (block sync, one batch at a time) have a lane of their own.</item>
/// </list>
/// Each take serves a pending tick first, then the work flag, then a fetched block, then the next peer's message.
/// Many threads post; one (the driver) takes.
/// </summary>
internal sealed class EngineInbox
{
    /// <summary>Fetched blocks held at most: several sync batches (sync waits for each before fetching the next).</summary>
    public const long FetchedBlockBytes = 64L * 1024 * 1024;

    private readonly long _peerBytes;
    private readonly object _gate = new();
    private readonly Dictionary<string, PeerLane> _peers = new(StringComparer.Ordinal);
    private readonly List<PeerLane> _rotation = [];
    private readonly Queue<(BlockFetched Block, long Size)> _fetched = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private long _fetchedBytes;
    private long _ticks;
    private bool _workPending;
    private int _next;

    /// <param name="peerBytes">Bytes of consensus messages held per sending peer.</param>
    public EngineInbox(long peerBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peerBytes);
        _peerBytes = peerBytes;
    }

    /// <summary>Consensus messages dropped because their peer's queue was full, and fetched blocks dropped.</summary>
    public long Dropped { get; private set; }

    public void PostTick()
    {
        lock (_gate)
        {
            _ticks++;
        }

        Wake();
    }

    public void PostWorkPending()
    {
        lock (_gate)
        {
            _workPending = true;
        }

        Wake();
    }

    /// <param name="peer">Who sent it (its key): each sender has its own queue. Only validators' messages reach the engine,
    /// so there are at most as many queues as validators.</param>
    public void PostConsensus(MessageReceived message, string peer, int size)
    {
        lock (_gate)
        {
            if (!_peers.TryGetValue(peer, out var lane))
            {
                lane = new PeerLane();
                _peers.Add(peer, lane);
                _rotation.Add(lane);
            }

            if (size > _peerBytes)
            {
                Dropped++;
                return;
            }

            while (lane.Bytes + size > _peerBytes && lane.Queue.TryDequeue(out var oldest))
            {
                lane.Bytes -= oldest.Size;
                Dropped++;
            }

            lane.Queue.Enqueue((message, size));
            lane.Bytes += size;
        }

        Wake();
    }

    public void PostFetched(BlockFetched block)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_gate)
        {
            // Over the bound the newest is dropped: sync sees the batch not taken and asks again.
            if (_fetchedBytes + block.Block.Length > FetchedBlockBytes)
            {
                Dropped++;
                return;
            }

            _fetched.Enqueue((block, block.Block.Length));
            _fetchedBytes += block.Block.Length;
        }

        Wake();
    }

    public bool TryTake(out IEngineInput input)
    {
        lock (_gate)
        {
            if (_ticks > 0)
            {
                _ticks--;
                input = Tick.Instance;
                return true;
            }

            if (_workPending)
            {
                _workPending = false;
                input = new WorkPending(true);
                return true;
            }

            if (_fetched.TryDequeue(out var fetched))
            {
                _fetchedBytes -= fetched.Size;
                input = fetched.Block;
                return true;
            }

            for (var i = 0; i < _rotation.Count; i++)
            {
                var lane = _rotation[_next];
                _next = (_next + 1) % _rotation.Count;
                if (lane.Queue.TryDequeue(out var message))
                {
                    lane.Bytes -= message.Size;
                    input = message.Message;
                    return true;
                }
            }
        }

        input = null!;
        return false;
    }

    /// <summary>Waits until something may have been posted since the last empty <see cref="TryTake"/>.</summary>
    public Task WaitAsync(CancellationToken cancellation) => _signal.WaitAsync(cancellation);

    private void Wake()
    {
        if (_signal.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another poster woke the driver first.
        }
    }

    private sealed class PeerLane
    {
        public Queue<(MessageReceived Message, int Size)> Queue { get; } = new();

        public long Bytes { get; set; }
    }
}
