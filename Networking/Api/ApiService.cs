using Google.Protobuf;
using Grpc.Core;
using VoteChain.Networking.Events;
using VoteChain.Networking.Limits;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;
using SubmitOutcome = VoteChain.Networking.Mempool.SubmitOutcome;

namespace VoteChain.Networking.Api;

/// <summary>
/// The public API (votechain.v1.VoteChainApi): submission into the mempool, and reads of the committed chain
/// straight from storage. Every request is checked before use; bad input is InvalidArgument, absent things are
/// NotFound, and a refused transaction carries its rule's code (see <see cref="RejectionStatus"/>).
/// </summary>
/// <remarks>This file: submission. The reads live in the other parts of the class.</remarks>
public sealed partial class ApiService : VoteChainApi.VoteChainApiBase
{
    private readonly ChainStore _store;
    private readonly MempoolPool _mempool;
    private readonly ChainEvents _events;
    private readonly INodeStatusSource _status;
    private readonly Action<byte[], byte[]>? _onAccepted;

    /// <param name="onAccepted">
    /// Called with each envelope the mempool accepted as new and its transaction id (the node gossips it on); it runs
    /// on the request's thread, so it should only enqueue.
    /// </param>
    public ApiService(ChainStore store, MempoolPool mempool, ChainEvents events, INodeStatusSource status,
        Action<byte[], byte[]>? onAccepted = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mempool);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(status);
        _store = store;
        _mempool = mempool;
        _events = events;
        _status = status;
        _onAccepted = onAccepted;
    }

    /// <summary>Envelopes one submit stream may carry; settable so tests can reach the bound quickly.</summary>
    internal int MaxStreamEnvelopes { get; init; } = ApiLimits.MaxStreamEnvelopes;

    /// <summary>The genesis the node runs, served by GetGenesis; null answers Unimplemented (in-process tests that need none).</summary>
    public Genesis? Genesis { get; init; }

    /// <summary>Transactions per client address and second; null takes everything (in-process tests).</summary>
    public SubmitRateLimiter? RateLimiter { get; init; }

    /// <summary>Bounds how many ListEvidence answers (with the peers' GetBlocks) are sent at once; null bounds none.</summary>
    public LargeAnswerSlots? LargeAnswers { get; init; }

    public override Task<SubmitTransactionResponse> SubmitTransaction(SubmitTransactionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        TakeRate(context, 1);
        var outcome = Submit([request.Envelope.ToByteArray()])[0];
        if (outcome.Rejection is { } rejection)
        {
            throw RejectionStatus.ToRpcException(rejection);
        }

        return Task.FromResult(new SubmitTransactionResponse { TxId = ByteString.CopyFrom(outcome.TxId) });
    }

    public override Task<SubmitBatchResponse> SubmitBatch(SubmitBatchRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Envelopes.Count > ApiLimits.MaxBatchEnvelopes)
        {
            throw ApiErrors.InvalidArgument(
                $"The batch holds {request.Envelopes.Count} envelopes; the limit is {ApiLimits.MaxBatchEnvelopes}.");
        }

        TakeRate(context, request.Envelopes.Count);

        var response = new SubmitBatchResponse();
        AddResults(response, request.Envelopes.Select(e => e.ToByteArray()).ToList());
        return Task.FromResult(response);
    }

    public override async Task<SubmitBatchResponse> SubmitStream(IAsyncStreamReader<SubmitTransactionRequest> requestStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var response = new SubmitBatchResponse();
        var chunk = new List<byte[]>(ApiLimits.StreamChunkEnvelopes);
        var chunkBytes = 0L;
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            if (response.Results.Count + chunk.Count >= MaxStreamEnvelopes)
            {
                AddResults(response, chunk);
                throw ApiErrors.InvalidArgument(
                    $"A submit stream holds at most {MaxStreamEnvelopes} envelopes; the first " +
                    $"{MaxStreamEnvelopes} were submitted, send the rest in a new stream.");
            }

            try
            {
                TakeRate(context, 1);
            }
            catch (RpcException)
            {
                // What came within the rate is admitted; the refusal says why the rest was not.
                AddResults(response, chunk);
                throw;
            }

            var envelope = requestStream.Current.Envelope.ToByteArray();
            chunk.Add(envelope);
            chunkBytes += envelope.Length;
            // Held by count and by bytes: a chunk of large envelopes is admitted early rather than piling up.
            if (chunk.Count == ApiLimits.StreamChunkEnvelopes || chunkBytes >= ApiLimits.StreamChunkBytes)
            {
                AddResults(response, chunk);
                chunk.Clear();
                chunkBytes = 0;
            }
        }

        AddResults(response, chunk);
        return response;
    }

    private void TakeRate(ServerCallContext context, int transactions)
    {
        var http = context.GetHttpContext();
        try
        {
            RateLimiter?.Take(http.Connection.RemoteIpAddress, transactions);
        }
        catch (RpcException e) when (e.Trailers.GetValue(SubmitRateLimiter.RetryAfterTrailer) is { } wait
            && int.TryParse(wait, System.Globalization.CultureInfo.InvariantCulture, out var waitMs))
        {
            // The JSON API answers 429 with headers only (its body drops gRPC trailers): the standard header says when.
            http.Response.Headers.RetryAfter = ((waitMs + 999) / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw;
        }
    }

    private void AddResults(SubmitBatchResponse response, IReadOnlyList<byte[]> envelopes)
    {
        if (envelopes.Count == 0)
        {
            return;
        }

        foreach (var outcome in Submit(envelopes))
        {
            response.Results.Add(ResultOf(outcome));
            response.Accepted += outcome.Accepted ? 1u : 0u;
        }
    }

    /// <summary>Admits the envelopes and hands each newly accepted one to the gossip callback.</summary>
    private IReadOnlyList<SubmitOutcome> Submit(IReadOnlyList<byte[]> envelopes)
    {
        var outcomes = _mempool.SubmitMany(envelopes);
        if (_onAccepted is not null)
        {
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i].IsNew)
                {
                    _onAccepted(envelopes[i], outcomes[i].TxId!);
                }
            }
        }

        return outcomes;
    }

    private static SubmitResult ResultOf(SubmitOutcome outcome)
    {
        var result = new SubmitResult();
        if (outcome.TxId is not null)
        {
            result.TxId = ByteString.CopyFrom(outcome.TxId);
        }

        if (outcome.Rejection is { } rejection)
        {
            result.Code = rejection.Code;
            result.CodeName = rejection.CodeName;
            result.Message = rejection.Message;
        }

        return result;
    }
}
