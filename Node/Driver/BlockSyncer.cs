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
/// the driver's rules accept it. Observers follow the chain this way.
/// </summary>
internal sealed partial class BlockSyncer : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly ChainStore _store;
    private readonly PeerNetwork _peers;
    private readonly ConsensusDriver _driver;
    private readonly ChainEvents _events;
    private readonly ILogger<BlockSyncer> _logger;
    private readonly SemaphoreSlim _wake = new(0);

    public BlockSyncer(ChainStore store, PeerNetwork peers, ConsensusDriver driver, ChainEvents events, ILogger<BlockSyncer> logger)
    {
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
        while (best > _store.Height && !cancellation.IsCancellationRequested)
        {
            var from = _store.Height + 1;
            if (await _peers.FetchBlocksAsync(from, cancellation).ConfigureAwait(false) is not { } fetched)
            {
                // Every peer that claimed more served nothing and is now demoted, so no claim this node believes is ahead
                // of it: not syncing. (Set before the fetch instead, a liar whose pause ran out made a node at its head
                // report "syncing" until the next poll.)
                Syncing = false;
                return true;
            }

            Syncing = best > _store.Height + 1;
            LogFetched(fetched.Blocks.Count, from, fetched.Source);
            foreach (var block in fetched.Blocks)
            {
                _driver.Post(new BlockFetched(block, fetched.Source));
            }

            // Wait for the engine to take them before asking for more. A batch that does not advance the chain at all
            // (bad blocks are also reported through BlockRefused) was that peer's failure to serve what it claimed.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            lock (_batchLock)
            {
                (_batch, _batchSource, _batchRefused) = (timeout, fetched.Source, false);
            }

            try
            {
                var reached = await _events.WaitBeyondAsync(from - 1 + (ulong)fetched.Blocks.Count - 1, timeout.Token).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetched {Count} blocks from height {From} from {Source}")]
    private partial void LogFetched(int count, ulong from, string source);
}
