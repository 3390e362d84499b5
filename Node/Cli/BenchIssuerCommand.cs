using System.CommandLine;
using VoteChain.Node.Bench;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain bench issuer</c>: credentials per second one issuer serves, against a running network.</summary>
internal static class BenchIssuerCommand
{
    public static Command Build(CommandRunner runner)
    {
        var node = NodeClient.NodeOption();
        var key = new Option<string>("--key") { Description = "Election authority key file.", DefaultValueFactory = _ => Path.Combine("devnet", "authority.json") };
        var voters = new Option<int>("--voters") { Description = "Roll entries, each served one credential.", DefaultValueFactory = _ => 500 };
        var concurrency = new Option<int>("--concurrency") { Description = "Voters' clients asking at once.", DefaultValueFactory = _ => 32 };
        var issuing = new Option<int>("--issuing-seconds")
        {
            Description = "How long issuing stays open (registering opens after it): long enough to serve every voter.",
            DefaultValueFactory = _ => 120,
        };
        var json = JsonOutput.Option();
        var command = new Command("issuer",
            "Measure one issuer serving anonymous credentials end to end (an anonymous election with a generated roll on the " +
            "running network, the issuer and the voters' clients in this process), then the credentials' registration.")
        {
            node, key, voters, concurrency, issuing, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            if (parseResult.GetValue(voters) is < 1 or > 100_000 || parseResult.GetValue(concurrency) is < 1 or > 1000
                || parseResult.GetValue(issuing) is < 10 or > 86_400)
            {
                throw new UserInputException("--voters must be 1 to 100000, --concurrency 1 to 1000, --issuing-seconds 10 to 86400");
            }

            using var authority = KeyFile.Load(parseResult.GetValue(key)!);
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var asJson = parseResult.GetValue(json);
            var report = new IssuerBench(session, authority, asJson ? TextWriter.Null : stdout)
                .RunAsync(parseResult.GetValue(voters), parseResult.GetValue(concurrency),
                    TimeSpan.FromSeconds(parseResult.GetValue(issuing)), CancellationToken.None)
                .GetAwaiter().GetResult();
            if (asJson)
            {
                JsonOutput.Write(stdout, report);
                return;
            }

            foreach (var line in report.Lines())
            {
                stdout.WriteLine(line);
            }
        });
        return command;
    }
}
