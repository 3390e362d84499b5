using VoteChain.Consensus.Audit;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>One election in the audit report (its --json fields): the replayed tally and how the other counts compare.</summary>
internal sealed record ElectionAudit(
    string ElectionId,
    IReadOnlyList<string> Options,
    IReadOnlyList<ulong> OptionWeights,
    ulong CountedBallots,
    ulong CountedWeight,
    ulong RegisteredCredentials,
    ulong RegisteredWeight,
    bool RecountMatches,
    bool NodeMatches,
    ulong NodeHeight,
    ulong ProxyWeight,
    ulong DelegationsInForce)
{
    /// <summary>
    /// Compares the replay's elections with the node's tallies and lists every disagreement as a sentence.
    /// Elections only one side knows are disagreements too.
    /// </summary>
    public static IReadOnlyList<ElectionAudit> Compare(IReadOnlyList<ElectionRecount> replayed,
        IReadOnlyDictionary<string, TallyResponse> node, List<string> problems)
    {
        var audits = new List<ElectionAudit>();
        foreach (var election in replayed)
        {
            var id = election.ElectionId;
            var reported = node.GetValueOrDefault(id);
            var tally = election.Replayed;
            var nodeMatches = reported is not null && reported.Tally.Equals(tally);
            if (!election.Agrees)
            {
                problems.Add($"election {id}: the replayed tally {Show(tally)} differs from a recount of its ballots {Show(election.Recounted)}");
            }

            if (election.ResultProblem is { } resultProblem)
            {
                problems.Add($"election {id}: its published result does not check out from the stored decryption shares: {resultProblem}");
            }

            if (election.IssuanceProblem is { } issuanceProblem)
            {
                problems.Add($"election {id}: its anonymous credentials do not agree with its poll book: {issuanceProblem}");
            }

            if (election.DelegationProblem is { } delegationProblem)
            {
                problems.Add($"election {id}: its proxies' received weight does not agree with their holders' appointments: {delegationProblem}");
            }

            if (reported is null)
            {
                problems.Add($"election {id}: it is in the replayed chain but the node does not list it");
            }
            else if (!nodeMatches)
            {
                problems.Add($"election {id}: the node reports {Show(reported.Tally)} at height {reported.Height}, the replay gives {Show(tally)}");
            }

            audits.Add(new ElectionAudit(id, election.Options, [.. tally.OptionWeights], tally.CountedBallots, tally.CountedWeight,
                tally.RegisteredCredentials, tally.RegisteredWeight, election.Agrees, nodeMatches, reported?.Height ?? 0,
                tally.ProxyWeight, tally.DelegationsInForce));
        }

        foreach (var id in node.Keys.Except(replayed.Select(r => r.ElectionId)).Order(StringComparer.Ordinal))
        {
            problems.Add($"election {id}: the node lists it but the replayed chain holds no such election");
        }

        return audits;
    }

    private static string Show(TallyRecord tally) =>
        $"[{string.Join(", ", tally.OptionWeights)}] ({tally.CountedBallots} ballots, {tally.RegisteredCredentials} registered)";
}
