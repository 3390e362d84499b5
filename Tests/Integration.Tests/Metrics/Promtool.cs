using System.Diagnostics;

namespace VoteChain.Integration.Tests.Metrics;

/// <summary>
/// Prometheus's own checker, `promtool check metrics` (Debian package prometheus; scripts/test.sh installs it where it
/// is missing). Without it the format test is skipped with that reason, never passed.
/// </summary>
internal static class Promtool
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs `promtool check metrics` on the text; its exit code and everything it said.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string promtool, string exposition)
    {
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{promtool} did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(exposition);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, (await output + await errors).Trim());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
