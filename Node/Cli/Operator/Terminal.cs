using Spectre.Console;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// Rich output (tables, progress bars, live redraws) only where a person watches a terminal; plain lines when
/// the output is redirected or captured, so scripts and logs never see escape codes or redraws.
/// </summary>
internal static class Terminal
{
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>A Spectre console writing to <paramref name="output"/> instead of the process console.</summary>
    public static IAnsiConsole Open(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Detect,
    });
}
