using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>Governance: the validators, authorities and parameters in force, the pending change and the proposals.</summary>
public sealed partial class ApiService
{
    private GovernanceReader? _governance;

    /// <summary>
    /// <c>limit</c> proposals newest first (0 means <see cref="ApiLimits.DefaultGovernanceProposals"/>, more than
    /// <see cref="ApiLimits.MaxGovernanceProposals"/> is refused), or the one the request names.
    /// </summary>
    public override Task<GovernanceResponse> GetGovernance(GetGovernanceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = request.Limit == 0 ? ApiLimits.DefaultGovernanceProposals : request.Limit;
        if (limit > ApiLimits.MaxGovernanceProposals)
        {
            throw ApiErrors.InvalidArgument($"limit is {limit}; at most {ApiLimits.MaxGovernanceProposals} proposals are listed at a time.");
        }

        var id = !request.ProposalId.IsEmpty ? RequestChecks.Hash(request.ProposalId, "proposal_id")
            : request.ProposalIdHex.Length > 0 ? RequestChecks.HexHash(request.ProposalIdHex, "proposal_id_hex")
            : null;
        // The set in force falls back to genesis's: a node that was given none cannot say who governs.
        var genesis = Genesis ?? throw new RpcException(new Status(StatusCode.Unimplemented, "This node does not serve its governance."));
        _governance ??= new GovernanceReader(_store, genesis);
        return Task.FromResult(_governance.Read(limit, id));
    }
}
