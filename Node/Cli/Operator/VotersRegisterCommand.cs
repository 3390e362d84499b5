using System.CommandLine;
using VoteChain.Consensus.Rules;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain voters register</c>: registers a voters CSV in RegisterVoters batches. Bad lines and refused
/// batches are reported with their line numbers while the rest is registered; the command then exits 1 so a
/// script notices that not everyone made it.
/// </summary>
internal static class VotersRegisterCommand
{
    private const int DefaultBatch = 1_000;

    public static Command Build(CommandRunner runner)
    {
        var key = OperatorOptions.Key("election authority");
        var election = OperatorOptions.Election();
        var file = new Option<string>("--file") { Description = "Voters CSV: public_key_hex[,weight] per line (header, blank lines, # comments allowed).", Required = true };
        var batch = new Option<int>("--batch")
        {
            Description = $"Voters per RegisterVoters transaction (1 to {RuleContext.DefaultMaxVotersPerBatch}).",
            DefaultValueFactory = _ => DefaultBatch,
        };
        var wait = OperatorOptions.Wait("the registrations are committed (the tally counts them)");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("register", "Register the voters of a CSV file in an election (signed by an election authority).")
        {
            key, election, file, batch, wait, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var batchSize = parseResult.GetValue(batch);
            if (batchSize is < 1 or > RuleContext.DefaultMaxVotersPerBatch)
            {
                throw new UserInputException($"--batch must be from 1 to {RuleContext.DefaultMaxVotersPerBatch}, got {batchSize}");
            }

            var path = parseResult.GetRequiredValue(file);
            var csv = VoterCsv.Parse(SafeFile.ReadAllText(path, "voters file"));
            using var authority = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var electionId = parseResult.GetRequiredValue(election);
            var asJson = parseResult.GetValue(json);
            var waiting = parseResult.GetValue(wait);
            var registration = new Registration(session, authority, electionId, batchSize);
            ProgressDisplay.Run(asJson ? TextWriter.Null : stdout, csv.Voters.Count, waiting ? Registration.Stages : [Registration.Stages[0]],
                report => registration.Run(csv.Voters, waiting, report));

            var report = new RegisterReport(electionId, registration.Registered, csv.Refused.Count + registration.RefusedVoters,
                registration.Committed, csv.Refused, registration.RefusedBatches, [.. registration.TxIds.Select(t => HexInput.Format(t))]);
            if (asJson)
            {
                JsonOutput.Write(stdout, report);
            }
            else
            {
                WriteText(stdout, path, report);
            }

            if (report.Refused > 0 || csv.Voters.Count == 0)
            {
                throw new UserInputException(csv.Voters.Count + csv.Refused.Count == 0
                    ? $"{path} holds no voters"
                    : $"{report.Refused} of {report.Registered + report.Refused} voters were not registered (see the report)");
            }
        });
        return command;
    }

    private static void WriteText(TextWriter stdout, string path, RegisterReport report)
    {
        foreach (var line in report.RefusedLines)
        {
            stdout.WriteLine($"{path}:{line.Line}: refused: {line.Reason}");
        }

        foreach (var b in report.RefusedBatches)
        {
            stdout.WriteLine($"{path}:{b.FirstLine}-{b.LastLine}: batch of {b.Voters} refused by the node: {b.Reason}");
        }

        var state = report.Committed ? "registered (committed)" : "registered (submitted; use --wait to see them committed)";
        stdout.WriteLine($"{state}: {report.Registered}, refused: {report.Refused}");
    }

    private sealed record RegisterReport(string ElectionId, long Registered, long Refused, bool Committed,
        IReadOnlyList<RefusedLine> RefusedLines, IReadOnlyList<RefusedBatch> RefusedBatches, IReadOnlyList<string> TxIds);
}
