using Google.Protobuf;
using Grpc.Core;
using VoteChain.Networking.Api;
using VoteChain.Networking.StateSync;
using VoteChain.Protos.V1;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Networking.Peers;

/// <remarks>This file: what a node starting by state sync asks (docs/STATE-SYNC.md): the snapshots this node keeps, their
/// chunks, and the proofs of each change of validators. Answers are bounded here; the asker trusts none of them.</remarks>
public sealed partial class PeerServiceImpl
{
    /// <summary>Manifests in one ListSnapshots answer: a node keeps few (state_sync.snapshots_kept), an asker wants the newest.</summary>
    public const int MaxListedSnapshots = 4;

    /// <summary>Proofs in one GetSetChanges answer; the asker pages with <c>skip</c> for more.</summary>
    public const int MaxSetChangesPerAnswer = 64;

    /// <summary>The snapshots this node keeps and serves; null serves none (state_sync.snapshot_interval 0).</summary>
    public ServedSnapshots? Snapshots { get; init; }

    public override Task<ListSnapshotsResponse> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context)
    {
        var response = new ListSnapshotsResponse();
        if (Snapshots is not { } snapshots)
        {
            return Task.FromResult(response);
        }

        // Up to 3.4 MB each: the byte budget of a block batch, though the newest always goes.
        var bytes = 0;
        foreach (var manifest in snapshots.List().Take(MaxListedSnapshots))
        {
            var size = manifest.CalculateSize();
            if (bytes > 0 && bytes + size > MaxResponseBytes)
            {
                break;
            }

            bytes += size;
            response.Snapshots.Add(manifest);
        }

        return Task.FromResult(response);
    }

    public override Task<GetSnapshotChunkResponse> GetSnapshotChunk(GetSnapshotChunkRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Snapshots is null || request.Index >= SnapshotLimits.MaxChunks)
        {
            throw ChunkNotHeld(request);
        }

        // A chunk is up to 1 MiB read from disk: it takes a large-answer slot like a block batch, which bounds how many are
        // read and held at once, in all and per address.
        LargeAnswers?.Take(context, "GetSnapshotChunk");
        var chunk = Snapshots.ReadChunk(request.Height, (int)request.Index) ?? throw ChunkNotHeld(request);
        return Task.FromResult(new GetSnapshotChunkResponse { Chunk = ByteString.CopyFrom(chunk) });
    }

    public override Task<GetSetChangesResponse> GetSetChanges(GetSetChangesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var height = Math.Min(request.Height, _store.Height);
        if (Consensus.Governance.GovernanceState.Head(_store).ValidatorSets <= request.Skip)
        {
            // The common case, a set never changed: nothing read, no slot taken.
            return Task.FromResult(new GetSetChangesResponse());
        }

        // Each proof is read from its whole approving block: a large answer in what it costs to build.
        LargeAnswers?.Take(context, "GetSetChanges");
        SetChangeList list;
        try
        {
            list = SetChangeProofs.UpTo(_store, height, request.Skip, MaxSetChangesPerAnswer);
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }

        return list.Missing is { } approvedAt
            ? throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"This node does not hold block {approvedAt}, which approved a change of validators (it started from a snapshot); ask another."))
            : Task.FromResult(new GetSetChangesResponse { SetChanges = { list.Proofs }, More = list.More });
    }

    private static RpcException ChunkNotHeld(GetSnapshotChunkRequest request) =>
        new(new Status(StatusCode.NotFound, $"This node keeps no chunk {request.Index} of a snapshot at height {request.Height}."));
}
