using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Networking.Limits;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.StateSync;

/// <summary>
/// One peer as state sync asks it (docs/STATE-SYNC.md): its snapshots, their chunks, a certified block and the proofs of
/// each change of validators. Every answer is bounded while it is read (the channel's receive bound) and by a deadline;
/// none is believed here: the caller checks everything against the manifest, the certificate and the state root.
/// </summary>
public sealed class SnapshotPeer : IDisposable
{
    /// <summary>Pages of set changes asked in all: each holds up to 64, and governance's changes are few.</summary>
    private const int MaxSetChangePages = 64;

    private readonly GrpcChannel _channel;
    private readonly PeerService.PeerServiceClient _client;

    /// <param name="maxAnswerBytes">The largest answer taken: a block batch's bound (<see cref="PeerLimits.MaxBlocksResponseBytes"/>)
    /// holds a list of manifests (8 MiB), a chunk (1 MiB) and a block alike.</param>
    /// <param name="certificate">This node's own TLS certificate, presented as for gossip; the peer's is not judged (these
    /// answers are proven by what they hold, not by who sent them).</param>
    public SnapshotPeer(string url, int maxAnswerBytes, X509Certificate2? certificate = null)
    {
        Url = url;
        _channel = UncompressedChannel.ForAddress(url, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = maxAnswerBytes,
            HttpHandler = PeerTls.SecureUnbound(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }, certificate),
            DisposeHttpClient = true,
        });
        _client = new PeerService.PeerServiceClient(_channel);
    }

    public string Url { get; }

    /// <summary>Chunk requests to this peer at once: a node serves two large answers per client address by default.</summary>
    internal SemaphoreSlim Slots { get; } = new(2);

    /// <summary>The manifests the peer offers, newest first as it says; null when it did not answer.</summary>
    public async Task<IReadOnlyList<SnapshotManifest>?> ListAsync(CancellationToken cancellation)
    {
        try
        {
            var answer = await _client.ListSnapshotsAsync(new ListSnapshotsRequest(), deadline: Deadline(10), cancellationToken: cancellation)
                .ConfigureAwait(false);
            return answer.Snapshots.Take(PeerServiceImpl.MaxListedSnapshots).ToList();
        }
        catch (RpcException)
        {
            // A call this side gave up is reported as an RpcException too: no answer, but no fault of the peer's.
            cancellation.ThrowIfCancellationRequested();
            return null;
        }
    }

    /// <summary>Chunk <paramref name="index"/> of the snapshot at <paramref name="height"/>, as the peer sent it.</summary>
    public async Task<ChunkAnswer> ChunkAsync(ulong height, int index, CancellationToken cancellation)
    {
        try
        {
            var answer = await _client.GetSnapshotChunkAsync(new GetSnapshotChunkRequest { Height = height, Index = (uint)index },
                deadline: Deadline(30), cancellationToken: cancellation).ConfigureAwait(false);
            return new ChunkAnswer(answer.Chunk.ToByteArray(), Busy: false, Problem: null);
        }
        catch (RpcException e)
        {
            cancellation.ThrowIfCancellationRequested();
            // Busy (its large-answer slots taken, maybe by others) is no fault of the peer's: asked again later.
            var busy = e.StatusCode == StatusCode.ResourceExhausted && e.Trailers.Get(SubmitRateLimiter.RetryAfterTrailer) is not null;
            return new ChunkAnswer(null, busy, $"{e.StatusCode}: {e.Status.Detail}");
        }
    }

    /// <summary>The block at <paramref name="height"/> with its certificate, as the peer sent it; null when it sent none.</summary>
    public async Task<byte[]?> BlockAsync(ulong height, CancellationToken cancellation)
    {
        try
        {
            var answer = await _client.GetBlocksAsync(new GetBlocksRequest { FromHeight = height, MaxBlocks = 1 }, deadline: Deadline(10),
                cancellationToken: cancellation).ConfigureAwait(false);
            return answer.Blocks.Count > 0 ? answer.Blocks[0].ToByteArray() : null;
        }
        catch (RpcException)
        {
            // A call this side gave up is reported as an RpcException too: no answer, but no fault of the peer's.
            cancellation.ThrowIfCancellationRequested();
            return null;
        }
    }

    /// <summary>Every proof of a change of validators in force at <paramref name="height"/>, all pages; null when the peer
    /// did not serve them all.</summary>
    public async Task<List<SetChangeProof>?> SetChangesAsync(ulong height, CancellationToken cancellation)
    {
        var proofs = new List<SetChangeProof>();
        try
        {
            for (var page = 0; page < MaxSetChangePages; page++)
            {
                var answer = await _client.GetSetChangesAsync(new GetSetChangesRequest { Height = height, Skip = (uint)proofs.Count },
                    deadline: Deadline(10), cancellationToken: cancellation).ConfigureAwait(false);
                if (answer.SetChanges.Count > PeerServiceImpl.MaxSetChangesPerAnswer || (answer.More && answer.SetChanges.Count == 0))
                {
                    return null;
                }

                proofs.AddRange(answer.SetChanges);
                if (!answer.More)
                {
                    return proofs;
                }
            }

            return null;
        }
        catch (RpcException)
        {
            // A call this side gave up is reported as an RpcException too: no answer, but no fault of the peer's.
            cancellation.ThrowIfCancellationRequested();
            return null;
        }
    }

    public void Dispose()
    {
        Slots.Dispose();
        _channel.Dispose();
    }

    private static DateTime Deadline(int seconds) => DateTime.UtcNow.AddSeconds(seconds);
}

/// <summary>A chunk as a peer answered: its bytes, or whether it was busy, and what went wrong.</summary>
public sealed record ChunkAnswer(byte[]? Bytes, bool Busy, string? Problem);
