using System.CommandLine;

namespace VoteChain.Node.Cli.Operator;

/// <summary>Options several operator commands share, described once so their help reads the same everywhere.</summary>
internal static class OperatorOptions
{
    public static Option<string> Key(string whose) =>
        new("--key") { Description = $"Key file of the {whose} (from `votechain keys generate`).", Required = true };

    public static Option<string> Election() =>
        new("--election") { Description = "Election id.", Required = true };

    public static Option<bool> Wait(string until) =>
        new("--wait") { Description = $"Return only once {until} (gives up after {Polling.Timeout.TotalSeconds:F0}s)." };
}
