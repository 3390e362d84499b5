namespace VoteChain.Node.Cli.Verify;

/// <summary>What <c>votechain audit</c> prints; the properties are its --json fields.</summary>
internal sealed record AuditReport(
    string ChainId,
    ulong Height,
    string HeadHash,
    long Transactions,
    long Votes,
    IReadOnlyList<ValidatorSetAudit> ValidatorSets,
    IReadOnlyList<ElectionAudit> Elections,
    double Seconds,
    IReadOnlyList<string> Problems)
{
    /// <summary>Blocks that passed every check (all of them when the audit is ok).</summary>
    public ulong Blocks => Height;

    public bool Ok => Problems.Count == 0;

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"{"chain",-14}{ChainId}");
        output.WriteLine($"{"blocks",-14}{Blocks} (head {HeadHash})");
        output.WriteLine($"{"transactions",-14}{Transactions}");
        output.WriteLine($"{"votes",-14}{Votes}");
        foreach (var set in ValidatorSets)
        {
            // A change approved in the last blocks audited may take effect after them.
            var pending = set.FromHeight > Height ? " (not yet in force)" : "";
            output.WriteLine($"{"validators",-14}{set.Validators} from height {set.FromHeight}{pending}");
        }

        output.WriteLine($"{"elections",-14}{Elections.Count}");
        foreach (var election in Elections)
        {
            var verdict = election.RecountMatches && election.NodeMatches ? "ok" : "MISMATCH";
            output.WriteLine($"  {election.ElectionId,-20} {verdict,-9} recount {Same(election.RecountMatches)} replay {Same(election.NodeMatches)} node"
                + $"  [{string.Join(", ", election.OptionWeights)}], {election.CountedBallots} ballots of {election.RegisteredCredentials} registered");
        }

        var perBlock = Blocks == 0 ? 0 : Seconds * 1000 / Blocks;
        output.WriteLine($"{"time",-14}{Seconds:F2} s ({perBlock:F2} ms per block)");
        output.WriteLine(Ok ? "result        ok" : $"result        FAILED ({Problems.Count} problems)");
        foreach (var problem in Problems)
        {
            output.WriteLine($"  {problem}");
        }
    }

    private static string Same(bool same) => same ? "=" : "!=";
}
