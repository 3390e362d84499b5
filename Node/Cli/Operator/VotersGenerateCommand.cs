using System.CommandLine;
using System.Globalization;
using System.Runtime.ExceptionServices;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain voters generate</c>: voter key files and the voters.csv to register them, for demos, tests and
/// benchmarks (real voters make their own keys and hand in only the public half).
/// </summary>
internal static class VotersGenerateCommand
{
    public const string CsvName = "voters.csv";

    public static Command Build(CommandRunner runner)
    {
        var count = new Option<int>("--count") { Description = "How many voters (1 to 1,000,000).", Required = true };
        var folder = new Option<string>("--out") { Description = "Folder for the key files and voters.csv (created if missing).", Required = true };
        var json = JsonOutput.Option();
        var command = new Command("generate", $"Generate voter key files (voter-00001.json, ... mode 0600) and {CsvName}.") { count, folder, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var n = parseResult.GetValue(count);
            if (n is < 1 or > 1_000_000)
            {
                throw new UserInputException($"--count must be from 1 to 1000000, got {n}");
            }

            var dir = parseResult.GetRequiredValue(folder);
            var csv = Path.Combine(dir, CsvName);
            if (File.Exists(csv))
            {
                throw new UserInputException($"{csv} already exists: this folder already holds generated voters (refusing to mix two sets)");
            }

            SafeFile.CreateFolder(dir, "voters folder");
            var digits = Math.Max(5, n.ToString(CultureInfo.InvariantCulture).Length);
            var keys = new string[n];

            // Each key file is synced to disk as it is written; in parallel that wait overlaps.
            try
            {
                Parallel.For(0, n, i =>
                {
                    using var key = Ed25519KeyPair.Generate();
                    KeyFile.Save(Path.Combine(dir, $"voter-{(i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')}.json"), key);
                    keys[i] = HexInput.Format(key.PublicKey);
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.OfType<UserInputException>().FirstOrDefault() is { } first)
            {
                // A file that could not be written is the operator's one-line error, not an aggregate of them.
                ExceptionDispatchInfo.Throw(first);
            }

            SafeFile.CreateNew(csv, string.Concat(keys.Select(k => $"{k},1\n").Prepend(VoterCsv.Header + "\n")), isPrivate: false, "voters file");

            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, new GeneratedJson(n, Path.GetFullPath(dir), Path.GetFullPath(csv)));
                return;
            }

            stdout.WriteLine($"generated {n} voter key files in {dir} and {csv}");
        });
        return command;
    }

    private sealed record GeneratedJson(int Count, string Folder, string CsvFile);
}
