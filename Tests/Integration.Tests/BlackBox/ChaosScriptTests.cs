using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VoteChain.Integration.Tests.Web;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// scripts/chaos.sh in its short mode, as CI runs it: a devnet of real processes under load, six cycles of SIGKILL and
/// SIGSTOP on validators and the observer; no acknowledged vote may be lost, no block may differ between nodes, no
/// validator may sign twice, the audit must pass and every cycle must recover (docs/FAULTS.md has the long run).
/// </summary>
public sealed partial class ChaosScriptTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Test]
    public async Task Six_cycles_of_kills_and_freezes_under_load_lose_no_acknowledged_vote_and_fork_nothing()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Browser.RepositoryRoot, "scripts", "chaos.sh"));
        info.Environment["CYCLES"] = "6";
        info.Environment["RATE"] = "50";
        info.Environment["PORT"] = LoopbackPorts.FreeRange(5).ToString(CultureInfo.InvariantCulture);
        info.Environment["VOTECHAIN"] = Path.Combine(AppContext.BaseDirectory, "votechain");

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chaos.sh did not finish within {Timeout.TotalMinutes:0} minutes: {await output}");
            }
        }

        var text = await output + await error;
        Assert.That(process.ExitCode, Is.Zero, text);
        var last = (await output).TrimEnd().Split('\n')[^1];
        var line = SummaryLine().Match(last);
        Assert.That(line.Success, Is.True, $"last line: {last}\n{text}");
        Assert.That(int.Parse(line.Groups["acked"].Value, CultureInfo.InvariantCulture), Is.GreaterThan(0), text);
        Assert.That(Regex.Matches(text, @"^cycle \d+/6: ", RegexOptions.Multiline), Has.Count.EqualTo(6), text);
    }

    [GeneratedRegex(@"^cycles=6 acked=(?<acked>\d+) lost=0 forks=0 double_signs=0 recoveries_p99_ms=\d+ audit=ok$")]
    private static partial Regex SummaryLine();
}
