using System.CommandLine;

namespace VoteChain.Node.Cli;

/// <summary>
/// Runs a command's body and turns exceptions into exit codes, so every command reports errors the same way:
/// one line on stderr, exit 1 (exit 2 for a <see cref="UsageException"/>). The stack trace of an unexpected exception is shown only with --verbose,
/// because operators need the sentence and developers need the trace.
/// </summary>
internal sealed class CommandRunner(Option<bool> verbose)
{
    /// <summary>Makes <paramref name="body"/> the command's action; the body writes results to the given output.</summary>
    public void Attach(Command command, Action<ParseResult, TextWriter> body) =>
        command.SetAction(parseResult => Run(parseResult, body));

    private int Run(ParseResult parseResult, Action<ParseResult, TextWriter> body)
    {
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            body(parseResult, parseResult.InvocationConfiguration.Output);
            return ExitCodes.Success;
        }
        catch (UserInputException e)
        {
            error.WriteLine($"error: {OneLine(e.Message)}");
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {OneLine(e.Message)}");
            return ExitCodes.Usage;
        }
        catch (Exception e)
        {
            error.WriteLine(parseResult.GetValue(verbose)
                ? $"error: {e}"
                : $"error: unexpected {e.GetType().Name}: {OneLine(e.Message)} (run with --verbose for details)");
        }

        return ExitCodes.Failure;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
