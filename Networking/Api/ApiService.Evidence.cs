using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>Equivocation evidence the node recorded, straight from its store.</summary>
public sealed partial class ApiService
{
    /// <summary>
    /// The newest records first: <c>limit</c> of them (0 means <see cref="ApiLimits.DefaultEvidenceRecords"/>, more than
    /// <see cref="ApiLimits.MaxEvidenceRecords"/> is refused), and fewer when the response would pass
    /// <see cref="ApiLimits.MaxEvidenceResponseBytes"/>; <c>total</c> says how many are stored.
    /// </summary>
    public override Task<ListEvidenceResponse> ListEvidence(ListEvidenceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = request.Limit == 0 ? ApiLimits.DefaultEvidenceRecords : request.Limit;
        if (limit > ApiLimits.MaxEvidenceRecords)
        {
            throw ApiErrors.InvalidArgument($"limit is {limit}; at most {ApiLimits.MaxEvidenceRecords} records are listed at a time.");
        }

        LargeAnswers?.Take(context, "ListEvidence");
        var evidence = _store.Evidence;
        // The total is read first: a record stored meanwhile may show in the list without being counted, never
        // the other way round (records are never removed).
        var response = new ListEvidenceResponse { Total = (ulong)evidence.EvidenceCount };
        response.Records.AddRange(evidence.NewestEvidence((int)limit, ApiLimits.MaxEvidenceResponseBytes));
        return Task.FromResult(response);
    }
}
