using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>What a holder asks: whom it appointed and whether its weight was used. Read from the records, the same way the rules move the weight.</summary>
public static class DelegationStandings
{
    public static DelegationStanding Of(IStateReader state, string electionId, ReadOnlySpan<byte> holderKey, CredentialRecord holder,
        BallotRecord? ballot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(holder);
        var standing = new DelegationStanding { Proxy = holder.Proxy };
        if (holder.Proxy.IsEmpty)
        {
            standing.State = DelegationState.NoProxy;
            return standing;
        }

        // The reasons an appointment is not in force first, each in its own words; then DelegationBook's own rule.
        var proxyBallot = state.GetBallot(electionId, holder.Proxy.Span);
        standing.State = holder.Revoked ? DelegationState.HolderRevoked
            : ballot is not null ? DelegationState.OwnVoteCounts
            : !DelegationBook.InForce(state, electionId, holderKey, holder) ? DelegationState.ProxyRevoked
            : proxyBallot is { Counted: true } ? DelegationState.CastByProxy
            : DelegationState.WaitingForProxy;
        if (standing.State == DelegationState.CastByProxy)
        {
            standing.ProxyBallot = proxyBallot;
        }

        return standing;
    }
}
