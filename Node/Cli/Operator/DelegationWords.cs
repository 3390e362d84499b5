using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>Where a holder's appointment of a proxy stands, in words and as JSON: one home for `delegate --wait` and `election show --voter`.</summary>
internal static class DelegationWords
{
    /// <summary>The state's stable name (snake case, as the API's enum without its prefix) for --json.</summary>
    public static string Name(DelegationState state) => state switch
    {
        DelegationState.NoProxy => "no_proxy",
        DelegationState.WaitingForProxy => "waiting_for_proxy",
        DelegationState.CastByProxy => "cast_by_proxy",
        DelegationState.OwnVoteCounts => "own_vote_counts",
        DelegationState.ProxyRevoked => "proxy_revoked",
        DelegationState.HolderRevoked => "holder_revoked",
        _ => state.ToString(),
    };

    /// <summary>One sentence for the holder, e.g. "your weight was cast by your proxy for 'Yes' (height 12)".</summary>
    public static string Sentence(DelegationStanding standing, IReadOnlyList<string> options) => standing.State switch
    {
        DelegationState.NoProxy => "no proxy appointed: your weight counts only if you vote",
        DelegationState.WaitingForProxy => "your proxy has not voted: your weight is not cast yet (vote yourself at any time to override)",
        DelegationState.CastByProxy => $"your weight was cast by your proxy for {OptionName(standing.ProxyBallot, options)} " +
            $"(height {standing.ProxyBallot?.Height}); vote yourself before the close to override",
        DelegationState.OwnVoteCounts => "you voted yourself: your own vote counts and your proxy does not cast your weight",
        DelegationState.ProxyRevoked => "your proxy's credential was revoked: the appointment is void and your weight is not cast unless you vote or appoint another",
        DelegationState.HolderRevoked => "your credential was revoked: it appoints nobody",
        _ => $"unknown delegation state {standing.State}",
    };

    public static DelegationJson ToJson(DelegationStanding standing, IReadOnlyList<string> options) => new(
        standing.Proxy.IsEmpty ? null : HexInput.Format(standing.Proxy.Span), Name(standing.State),
        standing.State == DelegationState.CastByProxy, standing.ProxyBallot is { } b ? OptionName(b, options) : null,
        standing.ProxyBallot?.Height, Sentence(standing, options));

    private static string OptionName(BallotRecord? ballot, IReadOnlyList<string> options) =>
        ballot is null ? "?" : ballot.Option < options.Count ? $"'{options[(int)ballot.Option]}'" : $"option {ballot.Option}";

    /// <summary>proxy: hex or null; state: see <see cref="Name"/>; weight_used: cast by the proxy now; proxy_option and proxy_height with it.</summary>
    internal sealed record DelegationJson(string? Proxy, string State, bool WeightUsed, string? ProxyOption, ulong? ProxyHeight, string Sentence);
}
