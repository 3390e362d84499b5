using System.CommandLine;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Hosting;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain config check --home DIR</c>: everything <c>start</c> would refuse in a home, all at once (the config's
/// values, genesis, keys, trustee key, TLS files, data folder, sign-state), or the settings in force when there is none.
/// Reads only: it can run beside the node it checks.
/// </summary>
internal static class ConfigCommand
{
    public static Command Build(CommandRunner runner) => new("config", "Check a node's configuration.") { Check(runner) };

    private static Command Check(CommandRunner runner)
    {
        var home = new Option<string>("--home") { Description = "Home folder of the node (made by `votechain init`).", Required = true };
        var json = JsonOutput.Option();
        var command = new Command("check",
            "Check the config, genesis, key, TLS, data and sign-state files of a home as `start` would, and report every problem "
            + "(exit 1); with none, print the settings in force after defaults, config file, VOTECHAIN_ variables (exit 0).")
        {
            home, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var homePath = Path.GetFullPath(parseResult.GetRequiredValue(home));
            var (loaded, problems, findings) = Run(homePath);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, new CheckJson(homePath, problems,
                    loaded is null ? [] : [.. EffectiveSettings.Of(loaded).Select(s => new SettingJson(s.Name, s.Value, s.Source))],
                    [.. findings.Select(f => new FindingJson(f.What, f.Found))]));
            }
            else if (problems.Count == 0 && loaded is not null)
            {
                WriteSettings(stdout, homePath, loaded, findings);
            }

            var error = parseResult.InvocationConfiguration.Error;
            foreach (var problem in problems)
            {
                error.WriteLine($"problem: {problem.ReplaceLineEndings(" ")}");
            }

            if (problems.Count > 0)
            {
                throw new UserInputException($"{problems.Count} problem(s) in {homePath}");
            }
        });
        return command;
    }

    /// <summary>The options as start reads them (no flags given), then the files, all problems kept.</summary>
    private static (LoadedOptions? Loaded, IReadOnlyList<string> Problems, IReadOnlyList<HomeFinding> Findings) Run(string home)
    {
        LoadedOptions loaded;
        try
        {
            loaded = NodeOptionsLoader.Read(home, new Dictionary<string, string?>(), []);
        }
        catch (UserInputException e)
        {
            // No config, or not JSON: nothing says where the other files are.
            return (null, [e.Message], []);
        }

        var files = NodeHomeCheck.Run(loaded.Options, withData: true);
        return (loaded, [.. loaded.Problems, .. files.Problems], files.Findings);
    }

    private static void WriteSettings(TextWriter stdout, string home, LoadedOptions loaded, IReadOnlyList<HomeFinding> findings)
    {
        stdout.WriteLine($"settings of {home} (defaults, then {loaded.ConfigPath}, then {NodeOptionsLoader.EnvironmentPrefix} variables):");
        new TextTable(["setting", "value", "from"], [.. EffectiveSettings.Of(loaded).Select(s => new[] { s.Name, s.Value, s.Source })], textOnly: true)
            .Write(stdout);
        stdout.WriteLine();
        var width = findings.Max(f => f.What.Length) + 2;
        foreach (var finding in findings)
        {
            stdout.WriteLine($"{(finding.What + ":").PadRight(width)}{finding.Found}");
        }

        stdout.WriteLine($"ok: no problems in {home}");
    }

    /// <summary>The --json output: problems is empty when the home is fine (and the exit code 0).</summary>
    private sealed record CheckJson(string Home, IReadOnlyList<string> Problems, IReadOnlyList<SettingJson> Settings, IReadOnlyList<FindingJson> Found);

    private sealed record SettingJson(string Name, string Value, string Source);

    private sealed record FindingJson(string What, string Value);
}
