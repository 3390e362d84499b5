using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

/// <summary>One in-process run of the votechain CLI with what it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = CliApp.Run(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Asserts the run failed on bad input with exactly one line on stderr, and returns that line.</summary>
    public string SingleErrorLine()
    {
        Assert.That(ExitCode, Is.EqualTo(ExitCodes.Failure), $"stdout: {Output} stderr: {Error}");
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), Error);
        Assert.That(lines[0], Does.StartWith("error: "));
        return lines[0];
    }

    public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Error}";
}
