using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Delegation: a holder appoints a proxy, replaces one, or withdraws the appointment (empty proxy), in an election that
/// allows delegation and until it closes. The weight moves by <see cref="DelegationBook"/>; a holder who has voted keeps
/// the appointment on record but its own vote counts (docs/DELEGATION.md).
/// </summary>
internal static class DelegationRules
{
    public static Rejection? Delegate(StateOverlay state, BlockContext block, VerifiedTx tx)
    {
        var request = tx.Payload.Delegation;
        var rejection = CommonChecks.Election(state, request.ElectionId, out var election);
        if (rejection is not null)
        {
            return rejection;
        }

        var id = election.Definition.ElectionId;
        if (!election.Definition.AllowDelegation)
        {
            return new Rejection(RejectCode.DelegationNotAllowed, $"Election '{id}' does not allow delegation to a proxy.");
        }

        rejection = CommonChecks.NotClosed(election, block);
        if (rejection is not null)
        {
            return rejection;
        }

        rejection = VoteChecks.Voter(state, id, tx.Signer, out var holder);
        rejection ??= Sequence(request, holder) ?? Proxy(state, id, tx.Signer, request, holder);
        if (rejection is not null)
        {
            return rejection;
        }

        var tally = CommonChecks.TallyCopy(state, id);
        var hasVoted = state.GetBallot(id, tx.Signer) is not null;
        DelegationBook.Release(state, tally, id, tx.Signer, holder);
        if (!request.Proxy.IsEmpty && !hasVoted)
        {
            DelegationBook.Give(state, tally, id, request.Proxy, holder.Weight);
        }

        var updated = holder.Clone();
        updated.Proxy = request.Proxy;
        updated.DelegationSequence = request.Sequence;
        updated.DelegationHeight = block.Height;
        state.PutCredential(id, tx.Signer, updated);
        state.PutTally(id, tally);
        return null;
    }

    private static Rejection? Sequence(Protos.V1.Delegation request, CredentialRecord holder) =>
        request.Sequence <= holder.DelegationSequence
            ? new Rejection(RejectCode.StaleSequence,
                $"Delegation sequence {request.Sequence} is not above the last one on record, {holder.DelegationSequence}" +
                (holder.DelegationSequence == 0 ? " (the first is 1)." : "."))
            : null;

    /// <summary>The proxy named: a registered, voting, unrevoked credential of the election other than the holder; or a withdrawal of one on record.</summary>
    private static Rejection? Proxy(IStateReader state, string id, byte[] signer, Protos.V1.Delegation request, CredentialRecord holder)
    {
        var proxy = request.Proxy.Span;
        if (proxy.IsEmpty)
        {
            return holder.Proxy.IsEmpty
                ? new Rejection(RejectCode.DelegationUnchanged, $"Credential {CommonChecks.Short(signer)} has no proxy to withdraw in election '{id}'.")
                : null;
        }

        if (CommonChecks.WellFormedKey(proxy, "proxy") is { } malformed)
        {
            return malformed;
        }

        if (proxy.SequenceEqual(signer))
        {
            return new Rejection(RejectCode.SelfDelegation, "A holder cannot appoint itself as its own proxy.");
        }

        var record = state.GetCredential(id, proxy);
        if (record is null || record.Roll || record.Revoked)
        {
            var why = record is null ? "is not registered" : record.Roll ? "is a roll entry, which cannot vote" : "has been revoked";
            return new Rejection(RejectCode.ProxyNotRegistered, $"Proxy {CommonChecks.Short(proxy)} {why} in election '{id}'.");
        }

        return holder.Proxy.Span.SequenceEqual(proxy)
            ? new Rejection(RejectCode.DelegationUnchanged, $"Proxy {CommonChecks.Short(proxy)} is already the one appointed.")
            : null;
    }
}
