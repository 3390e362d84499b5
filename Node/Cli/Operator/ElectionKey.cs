using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// The joint key a voter encrypts under, as far as this client can vouch for it. The node's answer is not taken on
/// its word: the key is recomputed from the deals in the same answer with the core's KeyGenerationStatus, and, when
/// the voter pinned a key they got elsewhere (--joint-key, from the election's published material or `election show`
/// on another node), it must be that key. Without a pin the voter trusts the node they talk to: a node that invents a
/// whole transcript of deals whose secrets it knows passes the recomputation. Only the pin, or comparing `election
/// show --node A` with `--node B`, catches that.
/// </summary>
internal static class ElectionKey
{
    /// <summary>A --joint-key value: 32 bytes of hex, a canonical ristretto255 point, not the identity.</summary>
    public static GroupElement Parse(string hex, string what = "--joint-key")
    {
        var bytes = HexInput.Parse(hex, what, GroupElement.Size);
        return GroupElement.TryParse(bytes, out var key) && !key.IsIdentity
            ? key
            : throw new UserInputException($"{what} is not a canonical ristretto255 point");
    }

    /// <summary>
    /// The election's joint key from <paramref name="response"/>, checked as above, or a one-line refusal: key
    /// generation failed or is not over, the answer's key is not what its own deals give, or it is not the pinned key.
    /// </summary>
    public static GroupElement Resolve(SecretElectionResponse response, string id, GroupElement? pinned, TimeProvider? clock = null)
    {
        if (response.Election?.Secret is null)
        {
            throw new UserInputException($"the node's answer for election '{id}' has no secret ballot settings: it is not a secret election there");
        }

        if (response.KeyPhase == "failed")
        {
            throw new UserInputException(
                $"KEY_GENERATION_FAILED: election '{id}' has no joint key and cannot take votes: its trustees' key generation failed");
        }

        if (response.KeyPhase != "final" || !GroupElement.TryParse(response.JointKey.Span, out var claimed) || claimed.IsIdentity)
        {
            throw new UserInputException(
                $"KEY_NOT_READY: election '{id}' has no final joint key yet, so nothing can be encrypted (key generation is in its " +
                $"{response.KeyPhase} phase; see votechain election show --id {id})");
        }

        // The chain stores one deal per trustee (the rules refuse a second); a record repeating a dealer, or naming one
        // outside trustees 1..n, is the node's invention, and repeats could fill the threshold with a key one dealer knows.
        var trustees = (uint)response.Election.Secret.Trustees.Count;
        var odd = (response.Secret?.Deals ?? []).GroupBy(d => d.Dealer).FirstOrDefault(g => g.Key < 1 || g.Key > trustees || g.Count() > 1);
        if (odd is not null)
        {
            throw new UserInputException(
                $"JOINT_KEY_MISMATCH: the node's record of election '{id}' lists dealer {odd.Key} more than once or outside trustees 1 to {trustees}, " +
                "which the chain never stores; nothing was encrypted. Ask another node (votechain election show --node URL) and vote with --joint-key");
        }

        // The same evaluation the replicas make, at the later of the answer's block time and this machine's clock, as
        // the node itself does. This catches a node that hands out a key of its own beside honest deals (a careless
        // liar); a node that rewrites the deals too is caught only by a pinned key.
        var at = Math.Max(response.HeadTimeUnixMs, (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds());
        string gives;
        GroupElement? recomputed = null;
        try
        {
            var status = KeyGenerationStatus.Evaluate(response.Election, response.Secret, at);
            recomputed = status.JointKey;
            gives = recomputed?.ToString() ?? $"no final key ({status.Phase.ToString().ToLowerInvariant()})";
        }
        catch (InvalidOperationException)
        {
            // The core refuses deals no rule would have stored (a malformed commitment): the answer is not believable.
            gives = "nothing: they are malformed";
        }

        if (recomputed is null || !recomputed.Equals(claimed))
        {
            throw new UserInputException(
                $"JOINT_KEY_MISMATCH: the node says election '{id}' has the joint key {claimed}, but the trustees' deals it sent " +
                $"give {gives}; nothing was encrypted. Ask another node (votechain election show --node URL) and vote with --joint-key");
        }

        if (pinned is not null && !pinned.Equals(recomputed))
        {
            throw new UserInputException(
                $"JOINT_KEY_MISMATCH: the node's joint key for election '{id}' is {recomputed}, not the pinned --joint-key {pinned}; nothing was submitted");
        }

        return recomputed;
    }

    /// <summary>"trustees: N named, T needed to decrypt": who can open ballots, said wherever a voter looks.</summary>
    public static string TrusteesLine(SecretBallotSettings settings) => TrusteesLine(settings.Trustees.Count, settings.Threshold);

    public static string TrusteesLine(int trustees, uint threshold) => $"trustees: {trustees} named, {threshold} needed to decrypt";
}
