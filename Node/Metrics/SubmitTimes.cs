using System.Diagnostics;
using VoteChain.Consensus.State;

namespace VoteChain.Node.Metrics;

/// <summary>
/// When each client transaction this node accepted began waiting for its block, so the commit can tell how long it
/// waited. Bounded by a count: a transaction that never commits (replaced by a revote, dropped after a commit made it
/// invalid) is forgotten once newer ones push it out, so a flood costs no more memory than the mempool could hold.
/// Thread-safe: clients add on request threads, commits take on the consensus thread.
/// </summary>
internal sealed class SubmitTimes
{
    private readonly Dictionary<byte[], long> _started = new(ByteKeyComparer.Instance);

    /// <summary>Ids in the order added; may hold ids already taken, so it is trimmed by its own length.</summary>
    private readonly Queue<byte[]> _order = new();

    private readonly Lock _gate = new();
    private readonly int _capacity;

    public SubmitTimes(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _started.Count;
            }
        }
    }

    /// <summary>Starts the clock for a transaction; a second start for the same id keeps the first.</summary>
    public void Start(byte[] txId)
    {
        lock (_gate)
        {
            if (!_started.TryAdd(txId, Stopwatch.GetTimestamp()))
            {
                return;
            }

            _order.Enqueue(txId);
            while (_order.Count > _capacity)
            {
                _started.Remove(_order.Dequeue());
            }
        }
    }

    /// <summary>How long the transaction waited, when its clock was started here and not forgotten; it is then forgotten.</summary>
    public TimeSpan? Take(byte[] txId)
    {
        lock (_gate)
        {
            return _started.Remove(txId, out var started) ? Stopwatch.GetElapsedTime(started) : null;
        }
    }
}
