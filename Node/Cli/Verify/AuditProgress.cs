using Spectre.Console;

namespace VoteChain.Node.Cli.Verify;

/// <summary>
/// Shows how far the download and replay got: a Spectre progress bar when the output is the console of a terminal,
/// a plain line every tenth of the way otherwise (logs and tests), nothing when the output is JSON.
/// </summary>
internal static class AuditProgress
{
    /// <summary>Runs <paramref name="work"/>, which reports the height it reached through the callback it is given.</summary>
    public static void Run(TextWriter output, bool quiet, ulong target, Action<Action<ulong>> work)
    {
        if (quiet)
        {
            work(_ => { });
        }
        else if (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected)
        {
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask("auditing blocks", maxValue: Math.Max(target, 1));
                work(height => task.Value = height);
            });
        }
        else
        {
            var step = Math.Max(target / 10, 1);
            work(height =>
            {
                // Blocks committed while the audit ran (beyond the head it started from) are not counted here.
                if (height <= target && (height % step == 0 || height == target))
                {
                    output.WriteLine($"audited {height}/{target} blocks");
                }
            });
        }
    }
}
