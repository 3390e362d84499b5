using System.Collections.Immutable;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>The node's outbound side: one connection per peer, broadcasts, and block fetches for sync.</summary>
public sealed partial class PeerNetwork : IAsyncDisposable
{
    // Replaced whole under _adding, never changed in place: broadcasts, sync and status read it from other threads.
    private ImmutableArray<PeerConnection> _peers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly Lock _adding = new();
    private readonly PeerDialing _dialing;
    private readonly PeerLimits _limits;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private bool _started;

    /// <param name="limits">Queue bounds, heartbeat and answer bound per peer (see <see cref="PeerLimits.Default"/>).</param>
    public PeerNetwork(IEnumerable<string> peerUrls, PeerDialing dialing, ILoggerFactory loggers, PeerLimits limits,
        TimeProvider? clock = null)
    {
        var logger = loggers.CreateLogger<PeerNetwork>();
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _dialing = dialing;
        _limits = limits;
        _peers = [.. peerUrls.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(url => new PeerConnection(url, dialing, limits, logger))];
    }

    public int Count => _peers.Length;

    public void Start()
    {
        lock (_adding)
        {
            _started = true;
            foreach (var peer in _peers)
            {
                _loops.Add(Task.Run(() => peer.RunAsync(_stop.Token)));
            }
        }
    }

    /// <summary>
    /// Dials one more peer from now on (a validator governance added, docs/GOVERNANCE.md); false when it is dialed
    /// already or the network is stopping. Bounded by the chain: only approved validator sets add peers.
    /// </summary>
    public bool Add(string url)
    {
        lock (_adding)
        {
            if (_stop.IsCancellationRequested || Find(url) is not null)
            {
                return false;
            }

            var peer = new PeerConnection(url, _dialing, _limits, _logger);
            _peers = _peers.Add(peer);
            if (_started)
            {
                _loops.Add(Task.Run(() => peer.RunAsync(_stop.Token)));
            }

            return true;
        }
    }

    /// <summary>
    /// Opens every gossip stream again, so each handshake proves the key this node now goes by (its key was rotated)
    /// and each peer judges it by the set now approved.
    /// </summary>
    public void Reconnect()
    {
        foreach (var peer in _peers)
        {
            peer.Restart();
        }
    }

    /// <summary>
    /// Gossips a transaction to every peer but the one it came from: the peer that proved <paramref name="exceptKey"/>,
    /// the sender's key as its handshake proved it. Never the endpoint a Hello claims, which is the sender's word: a
    /// stranger claiming a validator's endpoint would otherwise keep its transactions from that validator.
    /// </summary>
    /// <param name="toValidators">False for a transaction a validator gossiped: every node dials every genesis validator,
    /// so that validator sent it to the others itself, and relaying it again would make each validator receive (and
    /// hash, and drop) every transaction once per validator. A validator it missed still gets it in a proposal.</param>
    public void BroadcastTransaction(byte[] envelope, byte[]? exceptKey = null, bool toValidators = true)
    {
        var message = new PeerMessage { Transaction = ByteString.CopyFrom(envelope) };
        var size = message.CalculateSize();
        foreach (var peer in _peers.Where(p => (toValidators || !p.IsValidator)
            && (exceptKey is null || !p.ProvenKey.AsSpan().SequenceEqual(exceptKey))))
        {
            peer.Enqueue(message, size);
        }
    }

    public void BroadcastConsensus(ConsensusMessage consensus)
    {
        var message = new PeerMessage { Consensus = consensus };
        var size = message.CalculateSize();
        foreach (var peer in _peers)
        {
            peer.Enqueue(message, size);
        }
    }

    /// <summary>
    /// The highest head any peer in good standing reports (asked now), or null when none answers. Demoted peers are
    /// still asked (their heads are shown) but not believed: a liar's huge height would keep the node "syncing".
    /// </summary>
    public async Task<ulong?> BestHeightAsync(CancellationToken cancellation)
    {
        var heads = await Task.WhenAll(_peers.Select(p => p.HeadAsync(cancellation))).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        return heads.Zip(_peers).Where(h => h.First is not null && h.Second.DemotedUntil <= now)
            .Select(h => h.First!.Height).DefaultIfEmpty().Max() is var best && best > 0 ? best : null;
    }

    /// <summary>
    /// Committed blocks from <paramref name="from"/> on, from a peer in good standing whose last reported head is at
    /// least there, highest first. A peer that claims the height but serves nothing is demoted and the next is
    /// asked; a peer that answers it is busy is not demoted, only passed over this time. Nothing is trusted: the engine verifies every certificate, body and rule, and a refusal is reported
    /// back through <see cref="Demote"/>.
    /// </summary>
    public async Task<FetchedBlocks?> FetchBlocksAsync(ulong from, CancellationToken cancellation)
    {
        var now = _clock.GetUtcNow();
        var candidates = _peers.Where(p => p.DemotedUntil <= now && p.LastHead is { } head && head.Height >= from)
            .OrderByDescending(p => p.LastHead!.Height).ToList();
        foreach (var peer in candidates)
        {
            // A cancelled fetch blames no one: it must not go on to the next peer and find it "serving nothing" too.
            cancellation.ThrowIfCancellationRequested();
            var blocks = await peer.BlocksAsync(from, cancellation).ConfigureAwait(false);
            if (blocks is null)
            {
                // Busy is not lying: its answer slots may be held by someone else's slow reads. Ask the next peer.
                continue;
            }

            if (ServingProblem(blocks, from, peer.LastHead!.Height) is { } problem)
            {
                Demote(peer.Url, problem);
                continue;
            }

            return new FetchedBlocks(peer.Url, blocks);
        }

        return null;
    }

    /// <summary>
    /// Null when a batch is what an honest peer serves for its claimed head: at least one block, at most a request's
    /// worth, and at least half of what the claim implies unless the response's byte budget was half used. A liar that claims a far
    /// head and serves one real block per request (throttling sync while never serving a bad block) is caught here.
    /// </summary>
    internal static string? ServingProblem(IReadOnlyList<byte[]> blocks, ulong from, ulong claimed)
    {
        if (blocks.Count == 0)
        {
            return $"it claims height {claimed} but served nothing from height {from}";
        }

        if (blocks.Count > PeerServiceImpl.MaxBlocksPerRequest)
        {
            return $"it served {blocks.Count} blocks; a request takes at most {PeerServiceImpl.MaxBlocksPerRequest}";
        }

        // Less than half of what the claim implies, far below the byte budget: honest heads move only forward.
        var expected = (int)Math.Min((ulong)PeerServiceImpl.MaxBlocksPerRequest, claimed - from + 1);
        var bytes = blocks.Sum(b => (long)b.Length);
        return blocks.Count * 2 < expected && bytes < PeerServiceImpl.MaxResponseBytes / 2
            ? $"it claims height {claimed} but served only {blocks.Count} blocks ({bytes} bytes) from height {from}"
            : null;
    }

    /// <summary>A peer's batch advanced the chain: its earlier demotions are forgiven (a transient failure is not a lie).</summary>
    public void Credit(string url) =>
        Find(url)?.Credit();

    /// <summary>Sets a peer aside for sync (a doubling pause): it served a bad block or not what it claimed.</summary>
    public void Demote(string url, string reason)
    {
        if (Find(url) is { } peer)
        {
            peer.Demote(_clock.GetUtcNow());
            LogDemoted(url, peer.Demotions, reason);
        }
    }

    private PeerConnection? Find(string url) =>
        _peers.FirstOrDefault(p => string.Equals(p.Url, url, StringComparison.OrdinalIgnoreCase));

    public IReadOnlyList<PeerInfo> Describe() => _peers.Select(p => new PeerInfo
    {
        Endpoint = p.Url,
        Connected = p.Connected,
        PublicKey = ByteString.CopyFrom(p.ProvenKey),
        Height = p.LastHead?.Height ?? 0,
    }).ToList();

    public async ValueTask DisposeAsync()
    {
        Task[] loops;
        lock (_adding)
        {
            _stop.Cancel();
            loops = [.. _loops];
        }

        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        foreach (var peer in _peers)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync sets peer {Url} aside (demotion {Count}): {Reason}")]
    private partial void LogDemoted(string url, int count, string reason);
}

/// <summary>Blocks one peer served for sync, and which peer, so that a bad one can be blamed on it.</summary>
public sealed record FetchedBlocks(string Source, IReadOnlyList<byte[]> Blocks);
