using System.CommandLine;
using VoteChain.Node.Backup;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain backup</c>, <c>restore</c> and <c>reset</c>: a node home's chain data copied out while the node runs, put
/// back into an empty home, or removed with keys and sign-state kept (docs/BACKUP.md).
/// </summary>
internal static class BackupCommands
{
    public static Command Backup(CommandRunner runner)
    {
        var home = HomeOption();
        var output = new Option<string>("--out") { Description = "The backup file to write (a new file, mode 0600; tar.gz).", Required = true };
        var command = new Command("backup", "Back up a home's chain data into one file, while its node runs (through the node) or not.") { home, output };
        runner.Attach(command, (parseResult, stdout) =>
            BackupMaker.Run(parseResult.GetRequiredValue(home), parseResult.GetRequiredValue(output), stdout));
        return command;
    }

    public static Command Restore(CommandRunner runner)
    {
        var home = HomeOption();
        var from = new Option<string>("--from") { Description = "The backup file (made by `votechain backup`).", Required = true };
        var command = new Command("restore", "Restore a backup of the home's chain into its empty data folder (never its sign-state).") { home, from };
        runner.Attach(command, (parseResult, stdout) =>
            Restorer.Run(parseResult.GetRequiredValue(home), parseResult.GetRequiredValue(from), stdout));
        return command;
    }

    public static Command Reset(CommandRunner runner)
    {
        var home = HomeOption();
        var yes = new Option<bool>("--yes") { Description = "Remove without asking (scripts; without it reset asks on a terminal and refuses elsewhere)." };
        var command = new Command("reset", "Remove a stopped node's chain data; keep its config, keys and sign-state.") { home, yes };
        runner.Attach(command, (parseResult, stdout) =>
        {
            Func<string, bool>? ask = Console.IsInputRedirected ? null : question =>
            {
                stdout.Write(question);
                stdout.Flush();
                return Console.In.ReadLine()?.Trim().ToUpperInvariant() is "Y" or "YES";
            };
            HomeReset.Run(parseResult.GetRequiredValue(home), parseResult.GetValue(yes), stdout, ask);
        });
        return command;
    }

    private static Option<string> HomeOption() => new("--home") { Description = "Home folder of the node (made by `votechain init`).", Required = true };
}
