using System.CommandLine;
using VoteChain.Node.Bench;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain bench</c>: load a running network with votes and report throughput and commit latency.</summary>
internal static class BenchCommand
{
    public static Command Build(CommandRunner runner)
    {
        var nodes = new Option<string>("--node")
        {
            Description = "Comma-separated API URLs to submit to; blocks are watched on the first.",
            DefaultValueFactory = _ => NodeClient.DefaultUrl,
        };
        var key = new Option<string>("--key") { Description = "Election authority key file.", DefaultValueFactory = _ => Path.Combine("devnet", "authority.json") };
        var voters = new Option<int>("--voters") { Description = "Voters to generate and register.", DefaultValueFactory = _ => 10_000 };
        var votes = new Option<int?>("--votes") { Description = "Votes to cast (at most one per voter; default: every voter)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Parallel submitting clients.", DefaultValueFactory = _ => 8 };
        var batch = new Option<int>("--batch") { Description = "Votes per SubmitBatch call.", DefaultValueFactory = _ => 500 };
        var secret = new Option<bool>("--secret")
        {
            Description = "Secret ballots: a two-option secret election whose trustees are the validators; votes are encrypted "
                + "before the clock starts. Afterwards a small secret election of total weight 10^6 times its result.",
        };
        var rate = new Option<double?>("--rate")
        {
            Description = "Open loop: offer this many votes per second at fixed times (with --duration), and time each vote from its " +
                "scheduled send to its commit, so a slow node shows as latency, not as a lower offered rate.",
        };
        var duration = new Option<double?>("--duration") { Description = "Open loop: seconds to offer --rate for (votes = rate × duration)." };
        var json = JsonOutput.Option();
        var command = new Command("bench", "Create an election with generated voters, submit pre-signed votes (in bulk, or open loop at --rate) and measure commits.")
        {
            nodes, key, voters, votes, concurrency, batch, secret, rate, duration, json,
            BenchCryptoCommand.Build(runner),
            BenchIssuerCommand.Build(runner),
        };
        command.Validators.Add(result =>
        {
            var (offered, seconds) = (result.GetValue(rate), result.GetValue(duration));
            if ((offered is null) != (seconds is null))
            {
                result.AddError("--rate and --duration go together (open loop: votes = rate × duration)");
            }
            else if (offered is { } r && seconds is { } d && (r is < 1 or > 1_000_000 || d is < 1 or > 86_400 || r * d > 10_000_000))
            {
                result.AddError("--rate must be 1 to 1,000,000 votes/s, --duration 1 to 86,400 s, and rate × duration at most 10,000,000 votes");
            }
            else if (offered is not null && result.GetValue(votes) is not null)
            {
                result.AddError("--votes is rate × duration with --rate; give one or the other");
            }
        });
        runner.Attach(command, (parseResult, stdout) =>
        {
            var offered = parseResult.GetValue(rate);
            var openLoopVotes = offered is { } r ? (int)Math.Ceiling(r * parseResult.GetValue(duration)!.Value) : (int?)null;
            var voterCount = openLoopVotes is { } needed && parseResult.GetResult(voters) is null or { Implicit: true } ? needed : parseResult.GetValue(voters);
            var voteCount = openLoopVotes ?? parseResult.GetValue(votes) ?? voterCount;
            if (voterCount < 1 || voteCount < 1 || voteCount > voterCount)
            {
                throw new UserInputException("--voters must be at least 1 and --votes between 1 and --voters");
            }

            if (parseResult.GetValue(concurrency) < 1 || parseResult.GetValue(batch) is < 1 or > 10_000)
            {
                throw new UserInputException("--concurrency must be at least 1 and --batch between 1 and 10000");
            }

            var clients = parseResult.GetValue(nodes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(url => new NodeClient(url, ClientTls.From(parseResult))).ToList();
            try
            {
                using var authority = KeyFile.Load(parseResult.GetValue(key)!);
                var asJson = parseResult.GetValue(json);
                var progress = asJson ? TextWriter.Null : stdout;
                var report = new BenchRunner(clients, authority, progress)
                    .RunAsync(voterCount, voteCount, parseResult.GetValue(concurrency), parseResult.GetValue(batch),
                        parseResult.GetValue(secret), offered, CancellationToken.None)
                    .GetAwaiter().GetResult();
                if (asJson)
                {
                    JsonOutput.Write(stdout, report);
                }
                else
                {
                    foreach (var line in report.Lines())
                    {
                        stdout.WriteLine(line);
                    }
                }
            }
            catch (Grpc.Core.RpcException e)
            {
                throw clients[0].Explain(e, "benchmark");
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        });
        return command;
    }
}
