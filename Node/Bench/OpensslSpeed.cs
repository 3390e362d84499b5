using System.Diagnostics;
using System.Globalization;

namespace VoteChain.Node.Bench;

/// <summary>
/// `openssl speed -seconds 1 ed25519`, read for its verifications per second: the machine's other well-tuned Ed25519,
/// so that a slow measurement of our own never flatters a fraction of the limit. Null where openssl is missing, fails,
/// or prints something else; bounded in time and output.
/// </summary>
internal static class OpensslSpeed
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private const int MaxOutputChars = 64 * 1024;

    public static double? Ed25519VerificationsPerSecond()
    {
        try
        {
            var info = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "speed", "-seconds", "1", "ed25519" })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Deadline))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            var text = output.GetAwaiter().GetResult();
            return process.ExitCode == 0 ? Parse(text.Length > MaxOutputChars ? text[..MaxOutputChars] : text) : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>The verify/s column of the line naming Ed25519, e.g. "253 bits EdDSA (Ed25519)   0.0000s   0.0001s  36047.5  12540.3".</summary>
    internal static double? Parse(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            if (!line.Contains("(Ed25519)", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var verify) && verify > 0
                ? verify
                : null;
        }

        return null;
    }
}
