using System.CommandLine;

namespace VoteChain.Node.Cli.Ballots;

/// <summary><c>votechain ballots print|scan</c>: paper ballots that carry a one-time credential in a QR code.</summary>
internal static class BallotsCommands
{
    public static Command Build(CommandRunner runner) => new("ballots", "Print paper ballots carrying one-time credentials, and scan them to vote.")
    {
        BallotsPrintCommand.Build(runner),
        BallotsScanCommand.Build(runner),
    };
}
