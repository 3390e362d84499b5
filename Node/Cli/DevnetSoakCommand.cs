using System.CommandLine;
using VoteChain.Node.Chaos;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Devnet;
using VoteChain.Node.Keys;
using VoteChain.Node.Soak;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain devnet soak</c>: a long steady vote load on the devnet running on --dir, with every node's memory,
/// handles and data folder sampled as it goes, written as a CSV and a plot (docs/FAULTS.md).
/// </summary>
internal static class DevnetSoakCommand
{
    public static Command Build(CommandRunner runner, Option<string> dir)
    {
        var rate = new Option<double>("--rate") { Description = "Votes offered per second, open loop (half the sustainable rate is the usual soak).", DefaultValueFactory = _ => 800 };
        var duration = new Option<int>("--duration") { Description = "Seconds of load.", DefaultValueFactory = _ => 3_600 };
        var sample = new Option<int>("--sample-seconds") { Description = "Seconds between samples of every node.", DefaultValueFactory = _ => 60 };
        var voters = new Option<int>("--voters")
        {
            Description = "Voters registered for the load; each votes again (revotes are allowed), so the state stays the same size and only the chain grows.",
            DefaultValueFactory = _ => 20_000,
        };
        var output = new Option<string>("--out") { Description = "Folder for soak.csv, soak.svg and soak.png.", DefaultValueFactory = _ => "soak" };
        var command = new Command("soak",
            "Offer a steady vote load to the devnet running on --dir for --duration seconds, sampling every node's resident memory, open " +
            "handles, threads and data folder every --sample-seconds; then check that nothing acknowledged was lost, the nodes agree, and " +
            "the audit passes. Writes soak.csv and a plot to --out. The last line is: soak: minutes=N acked=N lost=N ... audit=ok|failed.")
        {
            rate, duration, sample, voters, output,
        };
        OptionBounds.Within(rate, 1, 100_000, "--rate must be 1 to 100,000 votes/s");
        OptionBounds.Within(duration, 10, 7 * 24 * 3_600, "--duration must be 10 s to a week");
        OptionBounds.Within(sample, 1, 3_600, "--sample-seconds must be 1 to 3,600");
        OptionBounds.Within(voters, 1, 1_000_000, "--voters must be 1 to 1,000,000");
        runner.Attach(command, (parseResult, stdout) =>
        {
            var layout = DevnetLayout.Open(Path.GetFullPath(parseResult.GetValue(dir)!));
            var settings = new SoakSettings(parseResult.GetValue(rate), TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                TimeSpan.FromSeconds(parseResult.GetValue(sample)), parseResult.GetValue(voters));
            var folder = Directory.CreateDirectory(Path.GetFullPath(parseResult.GetValue(output)!)).FullName;
            stdout.WriteLine($"soak on {layout.Folder}: {settings.Rate} votes/s for {settings.Duration.TotalMinutes:0.#} minutes, a sample every {settings.SampleEvery.TotalSeconds:0} s");
            using var network = new ChaosNetwork(layout);
            using var authority = KeyFile.Load(layout.AuthorityKeyPath);
            var tls = layout.Tls ? ClientTls.Trusting(layout.TlsCaPath) : ClientTls.From(parseResult);
            var summary = new SoakRunner(network, tls, stdout).RunAsync(settings, authority, CancellationToken.None).GetAwaiter().GetResult();
            File.WriteAllText(Path.Combine(folder, "soak.csv"), summary.Csv());
            SoakPlot.Write(summary, $"Soak: {settings.Rate:0} votes/s for {settings.Duration.TotalMinutes:0} minutes, {layout.Validators} validators + {layout.Observers} observer",
                Path.Combine(folder, "soak.svg"), Path.Combine(folder, "soak.png"));
            stdout.WriteLine($"samples and plot: {Path.Combine(folder, "soak.csv")}, soak.svg, soak.png");
            stdout.WriteLine(summary.Line);
            if (summary.Failure is { } failure)
            {
                throw new UserInputException($"soak failed: {failure}");
            }
        });
        return command;
    }
}
