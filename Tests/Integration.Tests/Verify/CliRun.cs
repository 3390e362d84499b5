using VoteChain.Node.Cli;

namespace VoteChain.Integration.Tests.Verify;

/// <summary>Runs the votechain CLI in-process, as a user would type it, and captures what it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>On a pool thread: the commands block on gRPC calls, and the test thread must stay free.</summary>
    public static Task<CliRun> RunAsync(params string[] args) => Task.Run(() =>
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    });

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}
