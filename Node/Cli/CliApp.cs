using System.CommandLine;
using System.CommandLine.Invocation;

namespace VoteChain.Node.Cli;

/// <summary>Builds the votechain command tree and runs it.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot()
    {
        var verbose = new Option<bool>("--verbose")
        {
            Description = "Print the full stack trace of unexpected errors.",
            Recursive = true,
        };
        var runner = new CommandRunner(verbose);
        return new RootCommand("VoteChain: a permissioned voting blockchain node.")
        {
            verbose,
            Client.ClientTls.Option(),
            KeysCommands.Build(runner),
            GenesisCommands.Build(runner),
            InitCommand.Build(runner),
            StartCommand.Build(runner),
            BackupCommands.Backup(runner),
            BackupCommands.Restore(runner),
            BackupCommands.Reset(runner),
            ConfigCommand.Build(runner),
            Operator.StatusCommand.Build(runner),
            Operator.ElectionCommands.Build(runner),
            Operator.VotersCommands.Build(runner),
            Operator.VoteCommand.Build(runner),
            Operator.DelegateCommand.Build(runner),
            Ballots.BallotsCommands.Build(runner),
            Operator.TallyCommand.Build(runner),
            Operator.BlockCommand.Build(runner),
            Operator.EvidenceCommand.Build(runner),
            Operator.GovernanceCommands.Build(runner),
            DevnetCommand.Build(runner),
            BenchCommand.Build(runner),
            TrusteeCommand.Build(runner),
            IssuerCommands.Build(runner),
            CredentialCommands.Build(runner),
            Verify.ReceiptCommand.Build(runner),
            Verify.BallotCheckCommand.Build(runner),
            Verify.AuditCommand.Build(runner),
        };
    }

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the CLI with the given writers in place of the console (tests capture them).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parseResult = BuildRoot().Parse(args);
        var exitCode = parseResult.Invoke(new InvocationConfiguration { Output = output, Error = error });

        // The parser reports usage errors itself but exits with 1; usage errors get their own code.
        return parseResult.Action is ParseErrorAction ? ExitCodes.Usage : exitCode;
    }
}
