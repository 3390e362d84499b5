using System.CommandLine;

namespace VoteChain.Node.Cli.Operator;

/// <summary><c>votechain voters generate|register|revoke</c>.</summary>
internal static class VotersCommands
{
    public static Command Build(CommandRunner runner) => new("voters", "Generate, register and revoke voter credentials.")
    {
        VotersGenerateCommand.Build(runner),
        VotersRegisterCommand.Build(runner),
        VotersRevokeCommand.Build(runner),
    };
}
