using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Events;
using VoteChain.Networking.Peers;
using VoteChain.Storage;

namespace VoteChain.Node.Driver;

/// <summary>
/// Keeps a node level with its peers: asks their heads now and then (or at once when the engine asks), fetches
/// missing blocks in batches and hands them to the engine, which adopts each only if its certificate verifies and
/// the driver's rules accept it. Observers follow the chain this way. Each block's signatures are verified just before
/// it is handed on (<see cref="FetchedTransactions"/>), so the cores check the next block while the driver runs the
/// rules and writes of the one before; the next batch is fetched while the engine takes this one.
/// </summary>
internal sealed partial class BlockSyncer : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly ChainStore _store;
    private readonly PeerNetwork _peers;
    private readonly ConsensusDriver _driver;
    private readonly ChainEvents _events;
    private readonly FetchedTransactions _prepared;
    private readonly ILogger<BlockSyncer> _logger;
    private readonly SemaphoreSlim _wake = new(0);

    public BlockSyncer(ChainStore store, PeerNetwork peers, ConsensusDriver driver, ChainEvents events, FetchedTransactions prepared,
        ILogger<BlockSyncer> logger)
    {
        _prepared = prepared;
        _store = store;
        _peers = peers;
        _driver = driver;
        _events = events;
        _logger = logger;
        driver.FetchRequested += _ => _wake.Release();
        // A refused block is the serving peer's fault: set it aside and look again at once, elsewhere.
        driver.BlockRefused += refused =>
        {
            if (refused.Source is { } source)
            {
                _peers.Demote(source, $"block {refused.Height} refused: {refused.Problem}");
                EndBatchFrom(source);
            }

            _wake.Release();
        };
    }

    /// <summary>The batch being waited for and its source: a refusal ends the wait at once instead of at its timeout.</summary>
    private readonly Lock _batchLock = new();
    private CancellationTokenSource? _batch;
    private string? _batchSource;
    private bool _batchRefused;

    private void EndBatchFrom(string source)
    {
        lock (_batchLock)
        {
            if (_batch is not null && string.Equals(_batchSource, source, StringComparison.Ordinal))
            {
                _batchRefused = true;
                _batch.Cancel();
            }
        }
    }

    /// <summary>Only the sync loop touches it.</summary>
    private AheadBatch? _ahead;

    /// <summary>The highest head a peer in good standing reported at the last poll; 0 when none answered.</summary>
    public ulong BestPeerHeight { get; private set; }

    /// <summary>True while peers report heights this node has not reached.</summary>
    public bool Syncing { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(Poll, stoppingToken).ConfigureAwait(false);
                if (!await CatchUpAsync(stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    /// <returns>False once the node is stopping (the chain's events are closed), so that syncing ends.</returns>
    private async Task<bool> CatchUpAsync(CancellationToken cancellation)
    {
        var best = await _peers.BestHeightAsync(cancellation).ConfigureAwait(false) ?? 0;
        BestPeerHeight = best;
        try
        {
            return await FollowAsync(best, cancellation).ConfigureAwait(false);
        }
        finally
        {
            // A batch fetched ahead and not wanted any more (a refusal, a timeout, stopping) is abandoned, and verdicts
            // not taken are not held while the node follows by consensus.
            await DropAheadAsync().ConfigureAwait(false);
            _prepared.Clear();
        }
    }

    private async Task<bool> FollowAsync(ulong best, CancellationToken cancellation)
    {
        while (best > _store.Height && !cancellation.IsCancellationRequested)
        {
            var from = _store.Height + 1;
            FetchedBlocks? fetched;
            if (_ahead is { } ahead && ahead.From == from)
            {
                _ahead = null;
                using (ahead.Cancel)
                {
                    fetched = await ahead.Fetch.ConfigureAwait(false);
                }
            }
            else
            {
                await DropAheadAsync().ConfigureAwait(false);
                fetched = await _peers.FetchBlocksAsync(from, cancellation).ConfigureAwait(false);
            }

            if (fetched is null)
            {
                // Every peer that claimed more served nothing and is now demoted, so no claim this node believes is ahead
                // of it: not syncing. (Set before the fetch instead, a liar whose pause ran out made a node at its head
                // report "syncing" until the next poll.)
                Syncing = false;
                return true;
            }

            Syncing = best > _store.Height + 1;
            LogFetched(fetched.Blocks.Count, from, fetched.Source);
            _prepared.Clear();
            var last = from - 1 + (ulong)fetched.Blocks.Count;
            if (last < best)
            {
                var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                _ahead = new AheadBatch(last + 1, _peers.FetchBlocksAsync(last + 1, cancel.Token), cancel);
            }

            // The blocks go to the engine one by one, each as soon as its signatures are verified, and then this waits for
            // the engine to take them before asking for more. A batch that does not advance the chain at all (bad blocks
            // are also reported through BlockRefused, which ends the wait) was that peer's failure to serve what it claimed.
            using var batch = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            lock (_batchLock)
            {
                (_batch, _batchSource, _batchRefused) = (batch, fetched.Source, false);
            }

            try
            {
                // Prepared while each block continues the one before; after one that does not, the rest go unprepared (the
                // engine refuses them, or drops them when consensus got there first).
                byte[]? parent = _store.HeadHash;
                var height = from;
                foreach (var block in fetched.Blocks)
                {
                    if (parent is not null)
                    {
                        var (expected, previous) = (height, parent);
                        parent = await Task.Run(() => _prepared.Prepare(block, expected, previous, batch.Token), batch.Token).ConfigureAwait(false);
                    }

                    _driver.Post(new BlockFetched(block, fetched.Source));
                    height++;
                }

                batch.CancelAfter(TimeSpan.FromSeconds(5));
                var reached = await _events.WaitBeyondAsync(last - 1, batch.Token).ConfigureAwait(false);
                if (reached is null)
                {
                    // Closed: the node is stopping, maybe because its driver stopped on a fatal error. Every wait would now
                    // return at once, and going on would fetch the same batch again and again as fast as the peer answers.
                    Syncing = false;
                    return false;
                }
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // A refused batch was already blamed (BlockRefused); only a silent one is blamed here.
                bool refused;
                lock (_batchLock)
                {
                    refused = _batchRefused;
                }

                if (_store.Height < from && !refused)
                {
                    _peers.Demote(fetched.Source, $"none of its {fetched.Blocks.Count} blocks from height {from} was taken");
                }

                return true;
            }

            finally
            {
                lock (_batchLock)
                {
                    _batch = null;
                }
            }

            if (_store.Height >= from)
            {
                _peers.Credit(fetched.Source);
            }

            Syncing = best > _store.Height + 1;
        }

        Syncing = false;
        return true;
    }

    private async Task DropAheadAsync()
    {
        if (_ahead is not { } unwanted)
        {
            return;
        }

        _ahead = null;
        using (unwanted.Cancel)
        {
            await unwanted.Cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await unwanted.Fetch.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled just now: not wanted anyway.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Nothing of an unwanted fetch may stop sync (an exception here would end the syncer for good).
                LogAheadFailed(e);
            }
        }
    }

    /// <summary>The next batch, being fetched while the engine takes the one before it.</summary>
    private sealed record AheadBatch(ulong From, Task<FetchedBlocks?> Fetch, CancellationTokenSource Cancel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch fetched ahead and not wanted any more failed")]
    private partial void LogAheadFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetched {Count} blocks from height {From} from {Source}")]
    private partial void LogFetched(int count, ulong from, string source);
}
