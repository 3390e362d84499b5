using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// The bookkeeping of proxy voting, one home for the rules that move a holder's weight (docs/DELEGATION.md). A holder's
/// appointment is in force while the holder is not revoked and has not voted, and its proxy is not revoked; a proxy's
/// record keeps the weight and count of the appointments of it in force, and while the proxy's ballot counts, that
/// weight counts for the ballot's option, as weight cast through a proxy. Every change here moves both together.
/// </summary>
internal static class DelegationBook
{
    /// <summary>What a proxy's counted ballot weighs: its own weight and that of the holders it votes for.</summary>
    public static ulong CastWeight(CredentialRecord credential) => checked(credential.Weight + credential.ReceivedWeight);

    /// <summary>
    /// Whether the holder's appointment moves its weight now. The proxy's record is looked up; a proxy that is gone or
    /// revoked takes no weight (revocation voided every appointment of it).
    /// </summary>
    public static bool InForce(IStateReader state, string electionId, ReadOnlySpan<byte> holderKey, CredentialRecord holder) =>
        !holder.Proxy.IsEmpty && !holder.Revoked
        && state.GetBallot(electionId, holderKey) is null
        && state.GetCredential(electionId, holder.Proxy.Span) is { Revoked: false };

    /// <summary>
    /// Takes a holder's weight away from its proxy, if its appointment is in force: called before the holder votes,
    /// appoints someone else, withdraws, or is revoked. The holder's own record is the caller's to write.
    /// </summary>
    public static void Release(StateOverlay state, TallyRecord tally, string electionId, ReadOnlySpan<byte> holderKey, CredentialRecord holder)
    {
        if (InForce(state, electionId, holderKey, holder))
        {
            Move(state, tally, electionId, holder.Proxy, holder.Weight, adding: false);
        }
    }

    /// <summary>Gives a holder's weight to its newly appointed proxy (the caller checked the holder has not voted).</summary>
    public static void Give(StateOverlay state, TallyRecord tally, string electionId, ByteString proxyKey, ulong weight) =>
        Move(state, tally, electionId, proxyKey, weight, adding: true);

    /// <summary>
    /// A proxy is revoked: its appointments end with it. Their count leaves the tally's; the caller takes the proxy's
    /// ballot, with <see cref="CastWeight"/>, out of the tally first, so the weight is gone with it.
    /// </summary>
    public static void EndAppointmentsOf(TallyRecord tally, CredentialRecord revokedProxy)
    {
        tally.DelegationsInForce = checked(tally.DelegationsInForce - revokedProxy.ReceivedCount);
        revokedProxy.ReceivedWeight = 0;
        revokedProxy.ReceivedCount = 0;
    }

    /// <summary>
    /// A counted ballot of this credential enters (or leaves) the tally: its own weight as cast directly, the weight
    /// it received as cast through a proxy. Options are the caller's.
    /// </summary>
    public static void CountBallot(TallyRecord tally, CredentialRecord credential, bool adding)
    {
        if (adding)
        {
            tally.CountedBallots = checked(tally.CountedBallots + 1);
            tally.CountedWeight = checked(tally.CountedWeight + CastWeight(credential));
            tally.ProxyWeight = checked(tally.ProxyWeight + credential.ReceivedWeight);
        }
        else
        {
            tally.CountedBallots = checked(tally.CountedBallots - 1);
            tally.CountedWeight = checked(tally.CountedWeight - CastWeight(credential));
            tally.ProxyWeight = checked(tally.ProxyWeight - credential.ReceivedWeight);
        }
    }

    private static void Move(StateOverlay state, TallyRecord tally, string electionId, ByteString proxyKey, ulong weight, bool adding)
    {
        var proxy = state.GetCredential(electionId, proxyKey.Span)?.Clone()
            ?? throw new InvalidOperationException("An appointment names a proxy the state does not hold.");
        proxy.ReceivedWeight = adding ? checked(proxy.ReceivedWeight + weight) : checked(proxy.ReceivedWeight - weight);
        proxy.ReceivedCount = adding ? checked(proxy.ReceivedCount + 1) : checked(proxy.ReceivedCount - 1);
        tally.DelegationsInForce = adding ? checked(tally.DelegationsInForce + 1) : checked(tally.DelegationsInForce - 1);
        state.PutCredential(electionId, proxyKey.Span, proxy);
        if (state.GetBallot(electionId, proxyKey.Span) is { Counted: true } ballot)
        {
            // The proxy has voted: the holder's weight joins (or leaves) its option at once, as weight cast by a proxy.
            var option = (int)ballot.Option;
            tally.OptionWeights[option] = adding ? checked(tally.OptionWeights[option] + weight) : checked(tally.OptionWeights[option] - weight);
            tally.CountedWeight = adding ? checked(tally.CountedWeight + weight) : checked(tally.CountedWeight - weight);
            tally.ProxyWeight = adding ? checked(tally.ProxyWeight + weight) : checked(tally.ProxyWeight - weight);
        }
    }
}
