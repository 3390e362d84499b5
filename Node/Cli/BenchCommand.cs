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
        var sweep = new Option<bool>("--sweep")
        {
            Description = "Open-loop steps at rising rates (--start-rate, ×--factor, up to --max-rate, --step-seconds each) until a step " +
                "is not sustained (under 95 % committed, any refusal, or p99 over --max-p99-ms); reports the highest sustained rate and " +
                "writes sweep.json, sweep.svg and sweep.png (latency against offered load) to --out.",
        };
        var startRate = new Option<double>("--start-rate") { Description = "Sweep: first offered rate, votes/s.", DefaultValueFactory = _ => 100 };
        var factor = new Option<double>("--factor") { Description = "Sweep: each step offers this many times the last.", DefaultValueFactory = _ => 1.5 };
        var maxRate = new Option<double>("--max-rate") { Description = "Sweep: stop before passing this rate.", DefaultValueFactory = _ => 20_000 };
        var stepSeconds = new Option<double>("--step-seconds") { Description = "Sweep: seconds per step.", DefaultValueFactory = _ => 5 };
        var maxP99 = new Option<double>("--max-p99-ms") { Description = "Sweep: p99 commit latency above this fails a step.", DefaultValueFactory = _ => 1_000 };
        var output = new Option<string>("--out") { Description = "Sweep: folder for sweep.json, sweep.svg and sweep.png.", DefaultValueFactory = _ => "bench-sweep" };
        OptionBounds.Within(startRate, 1, 1_000_000, "--start-rate must be 1 to 1,000,000 votes/s");
        OptionBounds.Within(factor, 1.01, 10, "--factor must be above 1 and at most 10");
        OptionBounds.Within(maxRate, 1, 1_000_000, "--max-rate must be 1 to 1,000,000 votes/s");
        OptionBounds.Within(stepSeconds, 1, 600, "--step-seconds must be 1 to 600");
        OptionBounds.Within(maxP99, 1, 3_600_000, "--max-p99-ms must be 1 to 3,600,000");
        var json = JsonOutput.Option();
        var command = new Command("bench", "Create an election with generated voters, submit pre-signed votes (in bulk, or open loop at --rate) and measure commits.")
        {
            nodes, key, voters, votes, concurrency, batch, secret, rate, duration, sweep, startRate, factor, maxRate, stepSeconds, maxP99, output, json,
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
            else if (result.GetValue(sweep) && (offered is not null || result.GetValue(secret)))
            {
                result.AddError("--sweep chooses its own rates and runs open ballots: give no --rate, --duration or --secret");
            }
            else if (result.GetResult(startRate) is { Implicit: false } && result.GetResult(maxRate) is { Implicit: false }
                && result.GetValue(maxRate) < result.GetValue(startRate))
            {
                result.AddError("--max-rate must be at least --start-rate");
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

            var settings = parseResult.GetValue(sweep)
                ? new SweepSettings(parseResult.GetValue(startRate), parseResult.GetValue(factor), parseResult.GetValue(maxRate),
                    parseResult.GetValue(stepSeconds), parseResult.GetValue(maxP99))
                : null;
            if (settings is not null && settings.Rates().Count == 0)
            {
                throw new UserInputException($"--start-rate {settings.StartRate} is above --max-rate {settings.MaxRate}: the sweep has no step");
            }

            if (settings is not null && settings.Rates().Sum(settings.VotesAt) > 10_000_000)
            {
                throw new UserInputException("the sweep's steps add up to more than 10,000,000 votes; lower --max-rate or --step-seconds");
            }

            var clients = parseResult.GetValue(nodes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(url => new NodeClient(url, ClientTls.From(parseResult))).ToList();
            try
            {
                using var authority = KeyFile.Load(parseResult.GetValue(key)!);
                var asJson = parseResult.GetValue(json);
                var progress = asJson ? TextWriter.Null : stdout;
                if (settings is not null)
                {
                    var swept = new BenchRunner(clients, authority, progress).SweepAsync(settings, CancellationToken.None).GetAwaiter().GetResult();
                    SweepFiles.Write(swept, parseResult.GetValue(output)!, stdout, asJson);
                    return;
                }

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
