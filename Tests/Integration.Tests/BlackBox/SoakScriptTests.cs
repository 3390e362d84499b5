using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VoteChain.Integration.Tests.Web;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// scripts/soak.sh in its short mode: 24 seconds of steady load on a devnet of real processes, every node sampled
/// every 4 seconds. Nothing acknowledged may be lost, the audit must pass, and the samples (CSV and plot) must hold
/// every node's memory, handles and data folder (docs/FAULTS.md has the hour-long run).
/// </summary>
public sealed partial class SoakScriptTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    [Test]
    public async Task A_short_soak_samples_every_node_and_loses_nothing()
    {
        var output = Directory.CreateTempSubdirectory("votechain-soak-test-");
        try
        {
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(Browser.RepositoryRoot, "scripts", "soak.sh"));
            info.Environment["DURATION"] = "24";
            info.Environment["SAMPLE"] = "4";
            // 60 votes/s from 600 voters (each revotes every 10 s): some 1,400 votes, all of whose receipts the end checks
            // verify; registering 2,000 voters and checking 2,400 receipts cost seconds and checked nothing more.
            info.Environment["RATE"] = "60";
            info.Environment["VOTERS"] = "600";
            info.Environment["OUT"] = output.FullName;
            info.Environment["PORT"] = LoopbackPorts.FreeRange(5).ToString(CultureInfo.InvariantCulture);
            info.Environment["VOTECHAIN"] = Path.Combine(AppContext.BaseDirectory, "votechain");

            var text = await RunAsync(info);

            var last = text.Stdout.TrimEnd().Split('\n')[^1];
            var line = SummaryLine().Match(last);
            Assert.That(line.Success, Is.True, $"last line: {last}\n{text}");
            Assert.That(int.Parse(line.Groups["acked"].Value, CultureInfo.InvariantCulture), Is.GreaterThan(500), text.ToString());
            var rows = File.ReadAllLines(Path.Combine(output.FullName, "soak.csv")).Skip(1).Select(r => r.Split(',')).ToList();
            Assert.That(rows.Select(r => r[1]).Distinct(), Is.EquivalentTo(new[] { "validator0", "validator1", "validator2", "validator3", "observer0" }));
            Assert.That(rows, Has.Count.EqualTo(5 * 7), "a sample of every node at the start and every 4 s for 24 s");
            Assert.That(rows.Select(r => long.Parse(r[2], CultureInfo.InvariantCulture)), Is.All.GreaterThan(10L * 1024 * 1024), "RSS");
            Assert.That(rows.Select(r => int.Parse(r[3], CultureInfo.InvariantCulture)), Is.All.GreaterThan(10), "handles");
            Assert.That(File.ReadAllText(Path.Combine(output.FullName, "soak.svg")), Does.Contain("<svg"));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static async Task<ScriptOutput> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"soak.sh did not finish within {Timeout.TotalMinutes:0} minutes: {await stdout}");
            }
        }

        var result = new ScriptOutput(await stdout, await stderr);
        Assert.That(process.ExitCode, Is.Zero, result.ToString());
        return result;
    }

    private sealed record ScriptOutput(string Stdout, string Stderr)
    {
        public override string ToString() => Stdout + Stderr;
    }

    [GeneratedRegex(@"^soak: minutes=0\.4 acked=(?<acked>\d+) lost=0 forks=0 double_signs=0 rss_mb_start=\d+ rss_mb_end=\d+ rss_mb_peak=\d+ rss_growth_pct_per_hour=n/a handles_per_hour=n/a threads_per_hour=n/a disk_mb=\d+ disk_bytes_per_vote=\d+ disk_per_chain_byte=[\d.]+ audit=ok$")]
    private static partial Regex SummaryLine();
}
