using Google.Protobuf;
using Microsoft.Extensions.Logging;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>The node's outbound side: one connection per peer, broadcasts, and block fetches for sync.</summary>
public sealed class PeerNetwork : IAsyncDisposable
{
    private readonly List<PeerConnection> _peers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public PeerNetwork(IEnumerable<string> peerUrls, Func<Hello> hello, ILoggerFactory loggers, int queueCapacity = 20_000)
    {
        var logger = loggers.CreateLogger<PeerNetwork>();
        _peers = peerUrls.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(url => new PeerConnection(url, hello, queueCapacity, logger)).ToList();
    }

    public int Count => _peers.Count;

    public void Start()
    {
        foreach (var peer in _peers)
        {
            _loops.Add(Task.Run(() => peer.RunAsync(_stop.Token)));
        }
    }

    /// <summary>Gossips a transaction to every peer but the one it came from.</summary>
    public void BroadcastTransaction(byte[] envelope, string? exceptEndpoint = null)
    {
        var message = new PeerMessage { Transaction = ByteString.CopyFrom(envelope) };
        foreach (var peer in _peers.Where(p => !string.Equals(p.Url, exceptEndpoint, StringComparison.OrdinalIgnoreCase)))
        {
            peer.Enqueue(message);
        }
    }

    public void BroadcastConsensus(ConsensusMessage consensus)
    {
        var message = new PeerMessage { Consensus = consensus };
        foreach (var peer in _peers)
        {
            peer.Enqueue(message);
        }
    }

    /// <summary>The highest head any peer reports (asked now), or null when none answers.</summary>
    public async Task<ulong?> BestHeightAsync(CancellationToken cancellation)
    {
        var heads = await Task.WhenAll(_peers.Select(p => p.HeadAsync(cancellation))).ConfigureAwait(false);
        return heads.Where(h => h is not null).Select(h => h!.Height).DefaultIfEmpty().Max() is var best && best > 0 ? best : null;
    }

    /// <summary>
    /// Committed blocks from <paramref name="from"/> on, from a peer whose last reported head is at least there.
    /// Nothing is trusted: the caller verifies every certificate and rule.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> FetchBlocksAsync(ulong from, CancellationToken cancellation)
    {
        foreach (var peer in _peers.Where(p => p.LastHead is { } head && head.Height >= from).OrderByDescending(p => p.LastHead!.Height))
        {
            var blocks = await peer.BlocksAsync(from, cancellation).ConfigureAwait(false);
            if (blocks.Count > 0)
            {
                return blocks;
            }
        }

        return [];
    }

    public IReadOnlyList<PeerInfo> Describe() => _peers.Select(p => new PeerInfo
    {
        Endpoint = p.Url,
        Connected = p.Connected,
        Height = p.LastHead?.Height ?? 0,
    }).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
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
}
