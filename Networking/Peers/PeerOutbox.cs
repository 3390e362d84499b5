using VoteChain.Networking.Limits;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// What waits to be sent to one peer, in two lanes bounded in bytes: consensus messages, always sent first, and
/// transactions. A lane over its bound drops its oldest messages (consensus messages are re-sent by the engine,
/// transactions are re-gossiped on a view change and re-submitted by clients), so a slow or absent peer costs a fixed
/// amount of memory and a flood of transactions never delays a consensus message. Each peer has its own outbox and
/// sender, so one slow peer holds back no other.
/// </summary>
internal sealed class PeerOutbox
{
    private readonly ByteBoundedQueue<PeerMessage> _consensus;
    private readonly ByteBoundedQueue<PeerMessage> _transactions;
    private readonly WakeSignal _signal = new();
    private readonly object _gate = new();

    public PeerOutbox(long consensusBytes, long transactionBytes)
    {
        _consensus = new ByteBoundedQueue<PeerMessage>(consensusBytes);
        _transactions = new ByteBoundedQueue<PeerMessage>(transactionBytes);
    }

    /// <summary>Messages dropped so far because their lane was full.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _consensus.Dropped + _transactions.Dropped;
            }
        }
    }

    /// <summary>Bytes waiting in both lanes.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _consensus.Bytes + _transactions.Bytes;
            }
        }
    }

    /// <param name="size">The message's serialized size, computed once by the caller for all peers.</param>
    public void Enqueue(PeerMessage message, int size)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var lane = message.KindCase == PeerMessage.KindOneofCase.Transaction ? _transactions : _consensus;
            lane.Enqueue(message, size);
        }

        _signal.Set();
    }

    /// <summary>The next message to send: consensus before transactions.</summary>
    public bool TryTake(out PeerMessage message)
    {
        lock (_gate)
        {
            return _consensus.TryDequeue(out message) || _transactions.TryDequeue(out message);
        }
    }

    /// <summary>Waits until something may be queued or <paramref name="timeout"/> passes; false on timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellation) => _signal.WaitAsync(timeout, cancellation);
}
