using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Networking.Events;
using VoteChain.Storage;
using VoteChain.Networking.StateSync;

namespace VoteChain.Node.StateSync;

/// <summary>
/// Takes a snapshot of the state for peers that start by state sync (docs/STATE-SYNC.md) after the commit of each height
/// divisible by the interval: in the background, one at a time, never in the consensus driver's way. The store gives a
/// consistent view of its head while blocks keep committing, so the snapshot is of the height the head had when it began
/// (the interval's height, unless the node committed more in between, as when it catches up). An interval passed while
/// the last snapshot is still being made is skipped.
/// </summary>
internal sealed partial class SnapshotMaker : BackgroundService
{
    private readonly ChainStore _store;
    private readonly ServedSnapshots _snapshots;
    private readonly ChainEvents _events;
    private readonly ulong _interval;
    private readonly ILogger<SnapshotMaker> _logger;

    public SnapshotMaker(ChainStore store, ServedSnapshots snapshots, ChainEvents events, int interval, ILogger<SnapshotMaker> logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interval);
        _store = store;
        _snapshots = snapshots;
        _events = events;
        _interval = (ulong)interval;
        _logger = logger;
    }

    /// <summary>Snapshots taken since the node started (tests, status).</summary>
    public int Made { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seen = _store.Height;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await _events.WaitBeyondAsync(seen, stoppingToken).ConfigureAwait(false) is not { } height)
            {
                return;
            }

            // A multiple of the interval was committed since the last look: one snapshot for however many were passed.
            var due = height / _interval > seen / _interval;
            seen = height;
            if (due)
            {
                // Off the thread that waits: the snapshot reads the whole state, and the node's shutdown must not wait behind
                // the wake-up of this loop. One at a time, since this loop waits for it.
                await Task.Run(() => Make(stoppingToken), stoppingToken).ConfigureAwait(false);
                seen = Math.Max(seen, _store.Height);
            }
        }
    }

    private void Make(CancellationToken stopping)
    {
        var took = Stopwatch.StartNew();
        LogStarting(_store.Height, _snapshots.Folder);
        try
        {
            var manifest = _snapshots.Create(_store, stopping);
            Made++;
            var bytes = manifest.ChunkHashes.Count == 0 ? 0 : SizeOf(manifest.Height, manifest.ChunkHashes.Count);
            LogMade(manifest.Height, manifest.Records, manifest.ChunkHashes.Count, bytes, took.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the store leaves no half-written snapshot behind.
        }
        catch (StorageException e)
        {
            // A full disk or an unwritable folder costs the peers a snapshot, never the node its consensus.
            LogFailed(e.Message);
        }
    }

    /// <summary>The bytes of the snapshot's chunks as written (what a peer downloads).</summary>
    private long SizeOf(ulong height, int chunks)
    {
        long bytes = 0;
        for (var index = 0; index < chunks; index++)
        {
            bytes += _snapshots.ReadChunk(height, index)?.Length ?? 0;
        }

        return bytes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot: starting at height {Height} in {Folder}")]
    private partial void LogStarting(ulong height, string folder);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Snapshot: height {Height} made, {Records} records in {Chunks} chunks, {Bytes} bytes, in {Seconds:F1} s")]
    private partial void LogMade(ulong height, ulong records, int chunks, long bytes, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot: not made: {Problem}")]
    private partial void LogFailed(string problem);
}
