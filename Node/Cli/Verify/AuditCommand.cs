using System.CommandLine;
using System.Diagnostics;
using VoteChain.Consensus.Audit;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>
/// <c>votechain audit</c>: downloads the whole chain, replays it from genesis with <see cref="ChainAuditor"/> and
/// compares every election's tally three ways: kept incrementally, recounted from the ballots, reported by the node.
/// </summary>
internal static class AuditCommand
{
    /// <summary>The chain may grow while the tallies are read; this many catch-ups happen before giving up.</summary>
    private const int CatchUpRounds = 5;

    public static Command Build(CommandRunner runner)
    {
        var genesis = VerifyGenesis.Option();
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("audit",
            "Download the whole chain and verify every certificate, signature and rule from genesis; recount every election.")
        {
            genesis, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var asJson = parseResult.GetValue(json);
            var report = Audit(VerifyGenesis.Load(parseResult.GetRequiredValue(genesis)), parseResult.GetRequiredValue(node), ClientTls.From(parseResult), stdout, asJson);
            if (asJson)
            {
                JsonOutput.Write(stdout, report);
            }
            else
            {
                report.WriteText(stdout);
            }

            if (!report.Ok)
            {
                throw new UserInputException($"audit failed: {report.Problems[0]}");
            }
        });
        return command;
    }

    /// <summary>The audit of the node at <paramref name="url"/>; progress goes to <paramref name="output"/> unless <paramref name="quiet"/>.</summary>
    internal static AuditReport Audit(Protos.V1.Genesis genesis, string url, ClientTls tls, TextWriter output, bool quiet)
    {
        var clock = Stopwatch.StartNew();
        using var client = new NodeClient(url, tls);
        var auditor = new ChainAuditor(genesis, (count, body) => Parallel.For(0, count, body));
        var head = client.Call(api => api.GetStatusAsync(new GetStatusRequest(), deadline: NodeClient.Deadline()), "status").Height;
        var problems = new List<string>();
        IReadOnlyList<ElectionAudit> elections = [];
        AuditProgress.Run(output, quiet, head, progress =>
        {
            problems.AddRange(ChainDownload.To(client, auditor, head, progress));
            for (var round = 0; problems.Count == 0; round++)
            {
                // Tallies are compared at the height the node read them at, so the replay catches up to it first.
                var tallies = NodeTallies(client);
                var reached = tallies.Values.Select(t => t.Height).DefaultIfEmpty(auditor.Height).Max();
                if (reached > auditor.Height && round < CatchUpRounds)
                {
                    problems.AddRange(ChainDownload.To(client, auditor, reached, progress));
                    continue;
                }

                elections = ElectionAudit.Compare(ElectionRecount.All(auditor.State, auditor.ChainId), tallies, problems);
                break;
            }
        });

        return new AuditReport(genesis.ChainId, auditor.Height, Convert.ToHexStringLower(auditor.HeadHash), auditor.Transactions,
            auditor.Votes, ValidatorSetAudit.Of(auditor), elections, clock.Elapsed.TotalSeconds, problems);
    }

    private static Dictionary<string, TallyResponse> NodeTallies(NodeClient client)
    {
        var listed = client.Call(api => api.ListElectionsAsync(new ListElectionsRequest(), deadline: NodeClient.Deadline()), "election list");
        return listed.Elections.Select(e => e.Definition.ElectionId).Distinct().ToDictionary(id => id, id =>
            client.Call(api => api.GetTallyAsync(new GetTallyRequest { ElectionId = id }, deadline: NodeClient.Deadline()), $"tally of {id}"),
            StringComparer.Ordinal);
    }
}
