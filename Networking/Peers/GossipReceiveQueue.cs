using Microsoft.Extensions.Logging;
using VoteChain.Networking.Limits;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Transactions read from one validator's gossip stream, waiting to be verified and admitted on a task of their own. The
/// stream's reader only queues them, so a consensus message behind a run of transaction batches is handed on as soon as
/// it is read: verified inline, the batches held every later proposal on the stream for seconds under load (seen in the
/// 1,000,000-vote run, where honest proposals arrived too late and every height waited for a view change). What waits
/// counts against the validator's share of the <see cref="GossipReceiveBudget"/>; a batch that does not fit is dropped
/// (gossip has no one to answer: the sender's own node keeps what it sent, re-gossips it, and clients resend).
/// </summary>
internal sealed partial class GossipReceiveQueue : IAsyncDisposable
{
    /// <summary>Envelopes handed on together: queued batches are merged so their signatures are verified in parallel.</summary>
    public const int MaxMerged = 4 * GossipBatchLimits.MaxTransactions;

    /// <summary>Room counted for each envelope beyond its bytes (the list entry, its id later).</summary>
    public const int EntryOverhead = 64;

    private readonly Queue<(IReadOnlyList<byte[]> Envelopes, long Bytes)> _waiting = new();
    private readonly WakeSignal _signal = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IPeerInbox _inbox;
    private readonly PeerIdentity _from;
    private readonly int _validator;
    private readonly GossipReceiveBudget _budget;
    private readonly ILogger _logger;
    private readonly Task _drain;
    private bool _completed;
    private long _dropped;
    private long _droppedLogged;

    public GossipReceiveQueue(IPeerInbox inbox, PeerIdentity from, GossipReceiveBudget budget, ILogger logger)
    {
        _inbox = inbox;
        _from = from;
        _validator = from.ValidatorIndex ?? throw new ArgumentException("Only a validator's stream queues its gossip.", nameof(from));
        _budget = budget;
        _logger = logger;
        _drain = Task.Run(DrainAsync);
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

        if (!_budget.TryTake(_validator, size))
        {
            // Logged at the first drop and then each time the count doubles: an overloaded node should not also flood its log.
            if (++_dropped >= 2 * _droppedLogged)
            {
                LogDropped(_from.ToString(), _dropped);
                _droppedLogged = _dropped;
            }

            return;
        }

        lock (_waiting)
        {
            _waiting.Enqueue((envelopes, size));
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
            long bytes = 0;
            bool done;
            lock (_waiting)
            {
                while (_waiting.TryPeek(out var next) && (merged.Count == 0 || merged.Count + next.Envelopes.Count <= MaxMerged))
                {
                    _waiting.Dequeue();
                    merged.AddRange(next.Envelopes);
                    bytes += next.Bytes;
                }

                done = _completed && merged.Count == 0;
            }

            if (merged.Count > 0)
            {
                try
                {
                    // Waiting for a turn holds no thread; a turn is one of the few verifications the node runs at once.
                    await _budget.Verifying.WaitAsync(_stop.Token).ConfigureAwait(false);
                    try
                    {
                        _inbox.OnTransactions(merged, _from);
                    }
                    finally
                    {
                        _budget.Verifying.Release();
                    }
                }
                finally
                {
                    _budget.Release(_validator, bytes);
                }
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

    /// <summary>The stream was cut off (the node stops, the peer vanished): what waits is dropped, not verified.</summary>
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
            lock (_waiting)
            {
                while (_waiting.TryDequeue(out var dropped))
                {
                    _budget.Release(_validator, dropped.Bytes);
                }
            }

            _stop.Dispose();
            _signal.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gossip from {Peer} arrives faster than it is verified: {Dropped} batches dropped so far")]
    private partial void LogDropped(string peer, long dropped);
}
