using System.CommandLine;
using VoteChain.Node.Bench;
using VoteChain.Node.Cli.Client;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain bench crypto</c>: per-core cost of signature checks and encrypted ballots, no network needed.</summary>
internal static class BenchCryptoCommand
{
    public static Command Build(CommandRunner runner)
    {
        var iterations = new Option<int>("--iterations")
        {
            Description = "Ballots created and verified per option count (the median is reported).",
            DefaultValueFactory = _ => 50,
        };

        // A parse error, not a runtime one, so a bad count exits with the usage code like any other bad option.
        iterations.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--iterations must be at least 1");
            }
        });
        var json = JsonOutput.Option();
        var command = new Command("crypto",
            "Measure on one core Ed25519 signature verification and one-of-k encrypted ballot create and verify for 2, 5 and 10 options.")
        {
            iterations, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var count = parseResult.GetValue(iterations);
            var report = CryptoBench.Run(count);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, report);
                return;
            }

            foreach (var line in report.Lines(count))
            {
                stdout.WriteLine(line);
            }
        });
        return command;
    }
}
