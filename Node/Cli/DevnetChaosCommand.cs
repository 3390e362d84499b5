using System.CommandLine;
using VoteChain.Node.Chaos;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Devnet;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain devnet chaos</c>: kills, restarts, freezes and thaws the nodes of the devnet running on --dir under a
/// steady vote load, then checks that nothing acknowledged was lost and the nodes agree (docs/FAULTS.md).
/// </summary>
internal static class DevnetChaosCommand
{
    public static Command Build(CommandRunner runner, Option<string> dir)
    {
        var cycles = new Option<int>("--cycles") { Description = "Fault cycles to run.", DefaultValueFactory = _ => 10 };
        var rate = new Option<double>("--rate") { Description = "Votes offered per second, open loop, for the whole run.", DefaultValueFactory = _ => 100 };
        var voters = new Option<int>("--voters")
        {
            Description = "Voters registered for the load; each votes again (revotes are allowed) when its turn comes round.",
            DefaultValueFactory = _ => 2_000,
        };
        var seed = new Option<int?>("--seed") { Description = "Seed of the fault schedule (which nodes, which fault, how long); random when absent." };
        var maxDown = new Option<int>("--max-down-ms") { Description = "A fault lasts 500 ms up to this.", DefaultValueFactory = _ => 3_000 };
        var recovery = new Option<int>("--recovery-timeout")
        {
            Description = "Seconds a healed node may take to hold a block committed after its heal before the cycle counts as not recovered.",
            DefaultValueFactory = _ => 60,
        };
        var command = new Command("chaos",
            "Under a steady vote load, kill (SIGKILL) or freeze (SIGSTOP) up to f validators or the observer of the devnet running on --dir, " +
            "restart them, repeat; then check every acknowledged vote's receipt, that all nodes hold the same blocks, that no validator " +
            "signed twice, and audit the chain. The last line is: cycles=N acked=N lost=N forks=N double_signs=N recoveries_p99_ms=N audit=ok|failed.")
        {
            cycles, rate, voters, seed, maxDown, recovery,
        };
        OptionBounds.Within(cycles, 1, 100_000, "--cycles must be 1 to 100,000");
        OptionBounds.Within(rate, 1, 100_000, "--rate must be 1 to 100,000 votes/s");
        OptionBounds.Within(voters, 1, 1_000_000, "--voters must be 1 to 1,000,000");
        OptionBounds.Within(maxDown, 500, 600_000, "--max-down-ms must be 500 to 600,000");
        OptionBounds.Within(recovery, 1, 3_600, "--recovery-timeout must be 1 to 3,600 s");
        runner.Attach(command, (parseResult, stdout) =>
        {
            var layout = DevnetLayout.Open(Path.GetFullPath(parseResult.GetValue(dir)!));
            if (layout.Validators < 4 && layout.Observers == 0)
            {
                throw new UserInputException($"the devnet in {layout.Folder} has {layout.Validators} validators and no observer: it tolerates no fault");
            }

            var settings = new ChaosSettings(parseResult.GetValue(cycles), parseResult.GetValue(rate), parseResult.GetValue(voters),
                parseResult.GetValue(seed) ?? Random.Shared.Next(), TimeSpan.FromMilliseconds(parseResult.GetValue(maxDown)),
                TimeSpan.FromSeconds(parseResult.GetValue(recovery)));
            stdout.WriteLine($"chaos on {layout.Folder}: {settings.Cycles} cycles, {settings.Rate} votes/s, seed {settings.Seed}");
            using var network = new ChaosNetwork(layout);
            using var authority = KeyFile.Load(layout.AuthorityKeyPath);
            var tls = layout.Tls ? ClientTls.Trusting(layout.TlsCaPath) : ClientTls.From(parseResult);
            var summary = new ChaosRunner(network, tls, stdout).RunAsync(settings, authority, CancellationToken.None).GetAwaiter().GetResult();
            stdout.WriteLine(summary.Line);
            if (summary.Failure is { } failure)
            {
                throw new UserInputException($"chaos run failed: {failure} (seed {settings.Seed})");
            }
        });
        return command;
    }
}
