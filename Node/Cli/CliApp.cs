using System.CommandLine;

namespace VoteChain.Node.Cli;

/// <summary>Builds the votechain command tree.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot() => new("VoteChain: a permissioned voting blockchain node.");

    public static int Run(string[] args) => BuildRoot().Parse(args).Invoke();
}
