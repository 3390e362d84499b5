using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Chain;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>Status and blocks: single reads and the live block stream.</summary>
public sealed partial class ApiService
{
    /// <summary>
    /// The status source fills role, name, peers, syncing, view, chain and genesis; height, head hash, mempool
    /// size and evidence count are always taken from the store and mempool this service reads, so the status agrees
    /// with what the other calls answer at the same moment.
    /// </summary>
    public override Task<NodeStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var status = _status.Current().Clone();
        var head = _store.Head;
        status.Height = head.Height;
        status.HeadHash = ByteString.CopyFrom(head.Hash);
        status.MempoolSize = (uint)_mempool.Count;
        status.EvidenceCount = (ulong)_store.Evidence.EvidenceCount;
        return Task.FromResult(status);
    }

    /// <summary>The status now, then after each block that commits, until the client leaves or the stream's lifetime ends.</summary>
    public override Task StreamStatus(GetStatusRequest request, IServerStreamWriter<NodeStatus> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        return FollowCommitsAsync(context, async cancellation =>
        {
            var status = await GetStatus(request, context).ConfigureAwait(false);
            await responseStream.WriteAsync(status, cancellation).ConfigureAwait(false);
            return status.Height;
        });
    }

    public override Task<GetGenesisResponse> GetGenesis(GetGenesisRequest request, ServerCallContext context)
    {
        var genesis = Genesis ?? throw new RpcException(new Status(StatusCode.Unimplemented, "This node does not serve its genesis."));
        return Task.FromResult(new GetGenesisResponse
        {
            Genesis = genesis.ToByteString(),
            GenesisHash = ByteString.CopyFrom(Consensus.Genesis.GenesisHash.Of(genesis)),
        });
    }

    public override Task<GetBlockResponse> GetBlock(GetBlockRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bytes = request.ByCase switch
        {
            GetBlockRequest.ByOneofCase.Height => _store.GetBlockBytes(request.Height)
                ?? throw ApiErrors.NotFound(request.Height is > 0 && request.Height < _store.OldestBlock
                    ? BelowOldest($"block {request.Height}")
                    : $"There is no committed block at height {request.Height}; the head is at {_store.Height}."),
            GetBlockRequest.ByOneofCase.Hash => _store.GetBlockBytes(RequestChecks.Hash(request.Hash, "hash"))
                ?? throw ApiErrors.NotFound("There is no committed block with this hash."),
            GetBlockRequest.ByOneofCase.HashHex => _store.GetBlockBytes(RequestChecks.HexHash(request.HashHex, "hash_hex"))
                ?? throw ApiErrors.NotFound("There is no committed block with this hash."),
            _ => throw ApiErrors.InvalidArgument("Set either height or hash."),
        };
        return Task.FromResult(BlockResponse(bytes));
    }

    /// <summary>Blocks from from_height (0 and 1 both mean the first block): stored ones, then each as it commits.</summary>
    public override async Task StreamBlocks(StreamBlocksRequest request, IServerStreamWriter<GetBlockResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var cancellation = context.CancellationToken;
        var next = Math.Max(request.FromHeight, 1);
        if (next < _store.OldestBlock)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, BelowOldest($"block {next}")));
        }

        try
        {
            while (true)
            {
                // The store is the truth; the events only say when to look again, so a missed signal loses nothing.
                while (next <= _store.Height)
                {
                    var bytes = _store.GetBlockBytes(next)
                        ?? throw new InvalidOperationException($"Block {next} is below the head but not stored.");
                    await responseStream.WriteAsync(BlockResponse(bytes), cancellation).ConfigureAwait(false);
                    next++;
                }

                if (await _events.WaitBeyondAsync(next - 1, cancellation).ConfigureAwait(false) is null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away or the server is stopping: the stream simply ends.
        }
    }

    /// <summary>What a node that started from a snapshot says when asked for what only the blocks below it hold.</summary>
    private string BelowOldest(string what) =>
        $"This node started from a snapshot at height {_store.OldestBlock} (docs/STATE-SYNC.md) and holds no block below it, so not {what}; " +
        "ask a node that holds the whole chain.";

    /// <summary>A stored block with its height and hash (read from the header, as every node computes them).</summary>
    private static GetBlockResponse BlockResponse(byte[] bytes)
    {
        var parsed = ParseStored(bytes);
        return new GetBlockResponse
        {
            Height = parsed.Height,
            Block = ByteString.CopyFrom(bytes),
            BlockHash = ByteString.CopyFrom(parsed.Hash),
        };
    }

    private static ParsedBlock ParseStored(byte[] bytes)
    {
        var outcome = BlockCodec.Parse(bytes);
        return outcome.IsOk
            ? outcome.Value
            : throw new RpcException(new Status(StatusCode.Internal, $"A stored block does not parse: {outcome.Rejection.Message}"));
    }
}
