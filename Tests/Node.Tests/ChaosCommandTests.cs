using VoteChain.Node.Chaos;
using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

/// <summary>`devnet chaos` usage, and how a chaos run's verdict reads (the run itself: Integration's ChaosScriptTests).</summary>
public sealed class ChaosCommandTests
{
    [TestCase("--cycles", "0")]
    [TestCase("--rate", "0")]
    [TestCase("--voters", "0")]
    [TestCase("--max-down-ms", "100")]
    [TestCase("--recovery-timeout", "0")]
    public void Options_out_of_bounds_are_usage_errors(params string[] args)
    {
        var run = CliRun.Of(["devnet", "chaos", "--dir", "/nonexistent-devnet", .. args]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
    }

    [Test]
    public void Without_a_devnet_it_fails_with_one_line()
    {
        var run = CliRun.Of("devnet", "chaos", "--dir", "/nonexistent-devnet");

        Assert.That(run.SingleErrorLine(), Does.Contain("holds no devnet"));
    }

    [Test]
    public void The_last_line_has_the_fixed_form_and_a_clean_run_is_no_failure()
    {
        var summary = Clean([1_200, 300, 5_000]);

        Assert.That(summary.Line, Is.EqualTo("cycles=3 acked=500 lost=0 forks=0 double_signs=0 recoveries_p99_ms=5000 audit=ok"));
        Assert.That(summary.Failure, Is.Null);
    }

    [Test]
    public void Any_loss_fork_double_sign_failed_audit_or_unrecovered_cycle_fails_the_run()
    {
        Assert.That(Clean([100], Passed with { Lost = 1 }).Failure, Does.Contain("1 acknowledged votes are not in the chain"));
        Assert.That(Clean([100], Passed with { Forks = 2 }).Failure, Does.Contain("disagree on 2 heights"));
        Assert.That(Clean([100], Passed with { DoubleSigns = 1 }).Failure, Does.Contain("double sign"));
        Assert.That(Clean([100], Passed with { AuditOk = false }).Line, Does.EndWith("audit=failed"));
        Assert.That(Clean([100], Passed with { AuditOk = false }).Failure, Does.Contain("audit failed"));
        Assert.That(Clean([100], Passed with { Acked = 0 }).Failure, Does.Contain("no vote was acknowledged"));

        var stuck = Clean([100, null]);
        Assert.That(stuck.Failure, Does.Contain("1 cycles did not recover"));
        Assert.That(stuck.RecoveriesP99Ms, Is.EqualTo(60_000), "a cycle that never recovered counts as the bound it passed");
    }

    private static readonly LoadVerdict Passed = new(Acked: 500, Lost: 0, Forks: 0, DoubleSigns: 0, AuditOk: true);

    private static ChaosSummary Clean(long?[] recoveries, LoadVerdict? verdict = null) => new(
        [.. recoveries.Select((ms, i) => new ChaosCycle(i + 1, ["validator1"], "kill", 1_000, ms))],
        RecoveryBoundMs: 60_000, verdict ?? Passed);
}
