using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>What a holder asks: whom it appointed and whether its weight was used. Read from the records, the same way the rules move the weight.</summary>
public static class DelegationStandings
{
    public static DelegationStanding Of(IStateReader state, string electionId, CredentialRecord holder, BallotRecord? ballot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(holder);
        var standing = new DelegationStanding { Proxy = holder.Proxy };
        if (holder.Proxy.IsEmpty)
        {
            standing.State = DelegationState.NoProxy;
            return standing;
        }

        var proxy = state.GetCredential(electionId, holder.Proxy.Span);
        var proxyBallot = state.GetBallot(electionId, holder.Proxy.Span);
        standing.State = holder.Revoked ? DelegationState.HolderRevoked
            : ballot is not null ? DelegationState.OwnVoteCounts
            : proxy is null or { Revoked: true } ? DelegationState.ProxyRevoked
            : proxyBallot is { Counted: true } ? DelegationState.CastByProxy
            : DelegationState.WaitingForProxy;
        if (standing.State == DelegationState.CastByProxy)
        {
            standing.ProxyBallot = proxyBallot;
        }

        return standing;
    }
}
