using System.Collections.Concurrent;
using VoteChain.Protos.V1;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Networking.StateSync;

/// <summary>
/// Fetches a snapshot's chunks for the restore, which takes them one by one in order: a few ahead of the one it waits
/// for, spread over the peers that offer that very manifest (at most two requests at once to each, what a node serves one
/// address by default). Each chunk is checked against the manifest (<see cref="SnapshotChunks.Problem"/>) as it arrives;
/// a peer that serves one that fails is dropped for the rest of this snapshot (its manifest's hashes are its own word, so
/// a wrong chunk is a lie, not bad luck) and the chunk is asked of another. Bounded: a chunk is asked at most
/// <see cref="AttemptsPerPeer"/> times per offering peer (busy answers aside), within <see cref="ChunkDeadline"/>.
/// </summary>
public sealed class ChunkFetcher : IDisposable
{
    /// <summary>Chunks fetched ahead of the one the restore waits for: 8 MiB in memory at most.</summary>
    public const int Window = 8;

    /// <summary>Failed answers (not busy ones) a chunk may get per offering peer before state sync gives it up.</summary>
    public const int AttemptsPerPeer = 3;

    /// <summary>How long one chunk may take in all, busy answers and retries included.</summary>
    public static readonly TimeSpan ChunkDeadline = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(500);

    private readonly SnapshotManifest _manifest;
    private readonly IReadOnlyList<SnapshotPeer> _peers;
    private readonly Action<string> _report;
    private readonly ConcurrentDictionary<string, string> _dropped = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, Task<SnapshotChunk>> _fetching = [];
    private readonly CancellationTokenSource _stop;
    private long _bytes;

    /// <param name="offering">The peers that offered exactly this manifest.</param>
    /// <param name="report">Told of each peer dropped, in one line.</param>
    public ChunkFetcher(SnapshotManifest manifest, IReadOnlyList<SnapshotPeer> offering, Action<string> report, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(offering);
        _manifest = manifest;
        _peers = offering;
        _report = report;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
    }

    /// <summary>Bytes of chunks fetched and checked so far.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Peers dropped for a bad chunk, with why.</summary>
    public IReadOnlyDictionary<string, string> Dropped => _dropped;

    /// <summary>
    /// Chunk <paramref name="index"/>, checked against the manifest; blocks until it is here. For the restore's callback,
    /// which runs on a thread of its own.
    /// </summary>
    /// <exception cref="StateSyncException">No offering peer served it within the bounds.</exception>
    public SnapshotChunk Take(int index)
    {
        for (var ahead = index; ahead < Math.Min(index + Window, _manifest.ChunkHashes.Count); ahead++)
        {
            if (!_fetching.ContainsKey(ahead))
            {
                var chunk = ahead;
                _fetching[chunk] = Task.Run(() => FetchAsync(chunk, _stop.Token));
            }
        }

        var fetch = _fetching[index];
        _fetching.Remove(index);
        try
        {
            return fetch.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            throw new StateSyncException($"chunk {index} of the snapshot at height {_manifest.Height} took longer than {ChunkDeadline.TotalMinutes:F0} minutes");
        }
    }

    private async Task<SnapshotChunk> FetchAsync(int index, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(ChunkDeadline);
        var failures = 0;
        var turn = index;
        string? last = null;
        while (true)
        {
            var live = _peers.Where(p => !_dropped.ContainsKey(p.Url)).ToList();
            if (live.Count == 0 || failures >= AttemptsPerPeer * _peers.Count)
            {
                throw new StateSyncException($"no peer served chunk {index} of the snapshot at height {_manifest.Height}" +
                    (last is null ? "" : $" (last: {last})"));
            }

            // Spread: chunk i starts at peer i, and each retry moves on to the next.
            var peer = live[turn++ % live.Count];
            ChunkAnswer answer;
            await peer.Slots.WaitAsync(deadline.Token).ConfigureAwait(false);
            try
            {
                answer = await peer.ChunkAsync(_manifest.Height, index, deadline.Token).ConfigureAwait(false);
            }
            finally
            {
                peer.Slots.Release();
            }

            if (answer.Bytes is not { } bytes)
            {
                if (answer.Busy)
                {
                    await Task.Delay(BusyPause, deadline.Token).ConfigureAwait(false);
                }
                else
                {
                    failures++;
                    last = $"{peer.Url}: {answer.Problem}";
                }

                continue;
            }

            if (SnapshotChunks.Problem(_manifest, index, bytes) is { } problem)
            {
                Drop(peer, problem);
                last = $"{peer.Url}: {problem}";
                continue;
            }

            // The bytes are the ones the manifest names: if they are no chunk, the manifest itself is bad, whoever serves it.
            var chunk = SnapshotChunks.Parse(bytes)
                ?? throw new StateSyncException($"chunk {index} matches the manifest's hash but is not a chunk: the snapshot at height {_manifest.Height} is bad");
            Interlocked.Add(ref _bytes, bytes.Length);
            return chunk;
        }
    }

    private void Drop(SnapshotPeer peer, string problem)
    {
        if (_dropped.TryAdd(peer.Url, problem))
        {
            _report($"state sync: dropped peer {peer.Url} for this snapshot: {problem}");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            // Chunks fetched ahead of a restore that stopped: wanted no more, whatever became of them; they end at once.
            Task.WaitAll([.. _fetching.Values]);
        }
        catch (AggregateException)
        {
            // Cancelled, or failed: either way not wanted.
        }

        _stop.Dispose();
    }
}
