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

    /// <summary>
    /// The next message to send: consensus before transactions. Transactions queued together leave as one
    /// <see cref="TransactionBatch"/> (within <see cref="GossipBatchLimits"/>): the receiver then reads, hashes and
    /// verifies them as a group, in parallel, instead of paying a message and a wake-up for each.
    /// </summary>
    public bool TryTake(out PeerMessage message)
    {
        lock (_gate)
        {
            if (_consensus.TryDequeue(out message))
            {
                return true;
            }

            if (!_transactions.TryDequeue(out var first))
            {
                return false;
            }

            if (!_transactions.TryPeekSize(out _))
            {
                message = first;
                return true;
            }

            message = TakeBatch(first);
            return true;
        }
    }

    /// <summary>The first transaction and as many queued after it as the batch bounds allow.</summary>
    private PeerMessage TakeBatch(PeerMessage first)
    {
        // A batch entry has the framing of the single-transaction message it came from (tag, length, bytes); the batch's
        // own framing fits in the slack left under the bound.
        const int Slack = 16;
        var batch = new TransactionBatch();
        batch.Envelopes.Add(first.Transaction);
        long bytes = first.CalculateSize();
        while (batch.Envelopes.Count < GossipBatchLimits.MaxTransactions
            && _transactions.TryPeekSize(out var size) && bytes + size <= GossipBatchLimits.MaxBytes - Slack
            && _transactions.TryDequeue(out var next))
        {
            batch.Envelopes.Add(next.Transaction);
            bytes += size;
        }

        return batch.Envelopes.Count == 1 ? first : new PeerMessage { Transactions = batch };
    }

    /// <summary>Waits until something may be queued or <paramref name="timeout"/> passes; false on timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellation) => _signal.WaitAsync(timeout, cancellation);
}
