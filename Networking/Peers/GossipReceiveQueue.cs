using Microsoft.Extensions.Logging;
using VoteChain.Networking.Limits;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Transactions read from one peer's gossip stream, waiting to be verified and admitted on a task of their own. The
/// stream's reader only queues them, so a consensus message behind a run of transaction batches is handed on as soon as
/// it is read: verified inline, the batches held every later proposal on the stream for seconds under load (seen in the
/// 1,000,000-vote run, where honest proposals arrived too late and every height waited for a view change). The queue is
/// bounded in bytes and makes room by dropping its oldest batches: gossip has no one to answer, the sender's own node keeps
/// what it sent, and clients resend.
/// </summary>
internal sealed partial class GossipReceiveQueue : IAsyncDisposable
{
    /// <summary>Bytes of envelopes one stream may have waiting: many blocks of votes, a fixed cost per peer.</summary>
    public const long MaxBytes = 8L << 20;

    /// <summary>Envelopes handed on together: queued batches are merged so their signatures are verified in parallel.</summary>
    public const int MaxMerged = 4 * GossipBatchLimits.MaxTransactions;

    /// <summary>Room counted for each envelope beyond its bytes (the list entry, its id later).</summary>
    private const int EntryOverhead = 64;

    private readonly ByteBoundedQueue<IReadOnlyList<byte[]>> _waiting = new(MaxBytes);
    private readonly WakeSignal _signal = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IPeerInbox _inbox;
    private readonly PeerIdentity _from;
    private readonly ILogger _logger;
    private readonly Task _drain;
    private bool _completed;
    private long _droppedLogged;

    public GossipReceiveQueue(IPeerInbox inbox, PeerIdentity from, ILogger logger)
    {
        _inbox = inbox;
        _from = from;
        _logger = logger;
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>Batches dropped so far because the queue was full.</summary>
    public long Dropped
    {
        get
        {
            lock (_waiting)
            {
                return _waiting.Dropped;
            }
        }
    }

    /// <summary>Queues envelopes already admitted by the sender's gossip rate. Throws what the inbox threw, if it did.</summary>
    public void Post(IReadOnlyList<byte[]> envelopes)
    {
        if (_drain.IsFaulted)
        {
            _drain.GetAwaiter().GetResult();
        }

        long size = 0;
        foreach (var envelope in envelopes)
        {
            size += envelope.Length + EntryOverhead;
        }

        long dropped;
        lock (_waiting)
        {
            _waiting.Enqueue(envelopes, size);
            dropped = _waiting.Dropped;
        }

        // Logged at the first drop and then each time the count doubles: an overloaded node should not also flood its log.
        if (dropped > 0 && dropped >= 2 * _droppedLogged)
        {
            LogDropped(_from.ToString(), dropped);
            _droppedLogged = dropped;
        }

        _signal.Set();
    }

    /// <summary>The stream ended: hands on what waits, then returns.</summary>
    public async Task CompleteAsync()
    {
        lock (_waiting)
        {
            _completed = true;
        }

        _signal.Set();
        await _drain.ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var merged = new List<byte[]>();
            bool done;
            lock (_waiting)
            {
                while (_waiting.TryPeek(out var next) && (merged.Count == 0 || merged.Count + next.Count <= MaxMerged))
                {
                    _waiting.TryDequeue(out _);
                    merged.AddRange(next);
                }

                done = _completed && merged.Count == 0;
            }

            if (merged.Count > 0)
            {
                _inbox.OnTransactions(merged, _from);
            }
            else if (done)
            {
                return;
            }
            else
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The stream was cut off (the node stops, the peer vanished): what waits is dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _drain.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting, as asked.
        }
        finally
        {
            _stop.Dispose();
            _signal.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gossip from {Peer} arrives faster than it is verified: {Dropped} batches dropped so far")]
    private partial void LogDropped(string peer, long dropped);
}
