using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using VoteChain.Integration.Tests.Web;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// scripts/fuzz.sh in its short mode: afl-fuzz over the SharpFuzz-instrumented build, a few thousand executions of
/// every target from the corpus in Tests/Fuzzing/corpus, none of which may crash or hang (docs/FAULTS.md has the run
/// of a million executions per target).
/// </summary>
public sealed partial class FuzzScriptTests
{
    private const int Executions = 3_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    [Test]
    public async Task A_short_afl_run_over_every_target_finds_no_crash_or_hang()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Browser.RepositoryRoot, "scripts", "fuzz.sh"));
        info.Environment["EXECS"] = Executions.ToString(CultureInfo.InvariantCulture);
        info.Environment["SEEDS_ONLY"] = "1";
        // The suite built the solution, fuzz harness included.
        info.Environment["VOTECHAIN_FUZZ_BUILT"] = "1";

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
                Assert.Fail($"fuzz.sh did not finish within {Timeout.TotalMinutes:0} minutes: {await output}");
            }
        }

        var text = await output + await error;
        Assert.That(process.ExitCode, Is.Zero, text);
        var targets = TargetLine().Matches(text);
        Assert.That(targets.Select(m => m.Groups["target"].Value), Is.EquivalentTo(new[] { "tx", "block", "consensus", "receipt", "keyfile", "genesis" }), text);
        Assert.That(targets.Select(m => long.Parse(m.Groups["execs"].Value, CultureInfo.InvariantCulture)), Is.All.GreaterThanOrEqualTo(Executions), text);
        Assert.That(text.TrimEnd().Split('\n')[^1], Does.Match(@"^fuzz: targets=6 execs=\d+ crashes=0 hangs=0$"), text);
    }

    [GeneratedRegex(@"^target=(?<target>\S+) execs=(?<execs>\d+) crashes=0 hangs=0 corpus=\d+$", RegexOptions.Multiline)]
    private static partial Regex TargetLine();
}
