using System.CommandLine;
using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

public sealed class CommandRunnerTests
{
    [Test]
    public void An_unexpected_exception_is_one_line_with_exit_1()
    {
        var (exitCode, error) = Run(() => Throw("boom"));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error.TrimEnd(), Is.EqualTo("error: unexpected InvalidOperationException: boom (run with --verbose for details)"));
    }

    [Test]
    public void With_verbose_an_unexpected_exception_shows_its_stack_trace()
    {
        var (exitCode, error) = Run(() => Throw("boom"), "--verbose");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Does.StartWith("error: System.InvalidOperationException: boom"));
        Assert.That(error, Does.Contain(nameof(Throw)));
    }

    [Test]
    public void A_multi_line_input_error_is_printed_on_one_line()
    {
        var (exitCode, error) = Run(() => throw new UserInputException("first\nsecond"));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error, Is.EqualTo($"error: first second{Environment.NewLine}"));
    }

    /// <summary>Runs <paramref name="body"/> as the action of a one-command CLI and returns what it reported.</summary>
    private static (int ExitCode, string Error) Run(Action body, params string[] args)
    {
        var verbose = new Option<bool>("--verbose") { Recursive = true };
        var root = new RootCommand { verbose };
        new CommandRunner(verbose).Attach(root, (_, _) => body());
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });

        return (exitCode, error.ToString());
    }

    private static void Throw(string message) => throw new InvalidOperationException(message);
}
