using VoteChain.Node.Bench;
using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

/// <summary>`bench --rate/--duration` usage, and the reading of `openssl speed` output the limit is computed from.</summary>
public sealed class BenchOptionsTests
{
    [TestCase("--rate", "100")]
    [TestCase("--duration", "10")]
    [TestCase("--rate", "0", "--duration", "10")]
    [TestCase("--rate", "100", "--duration", "0")]
    [TestCase("--rate", "1000000", "--duration", "86400")]
    [TestCase("--rate", "100", "--duration", "10", "--votes", "5")]
    [TestCase("--sweep", "--rate", "100", "--duration", "10")]
    [TestCase("--sweep", "--secret")]
    [TestCase("--sweep", "--factor", "1")]
    [TestCase("--sweep", "--start-rate", "0")]
    [TestCase("--sweep", "--step-seconds", "601")]
    [TestCase("--sweep", "--max-p99-ms", "0")]
    [TestCase("--sweep", "--start-rate", "500", "--max-rate", "100")]
    public void Open_loop_options_out_of_bounds_or_alone_are_usage_errors(params string[] args)
    {
        var run = CliRun.Of(["bench", "--node", "http://127.0.0.1:1", .. args]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
    }

    [Test]
    public void Sweep_rates_climb_by_the_factor_and_at_least_one_vote_per_second_up_to_the_maximum()
    {
        Assert.That(new SweepSettings(100, 1.5, 400, 5, 1000).Rates(), Is.EqualTo(new[] { 100.0, 150, 225, 338 }));
        Assert.That(new SweepSettings(1, 1.01, 4, 5, 1000).Rates(), Is.EqualTo(new[] { 1.0, 2, 3, 4 }));
        Assert.That(new SweepSettings(30_000, 1.5, 20_000, 5, 1000).Rates(), Is.Empty);
        Assert.That(new SweepSettings(100, 1.5, 400, 5, 1000).VotesAt(150), Is.EqualTo(750));
    }

    [Test]
    public void A_sweep_whose_start_is_above_its_maximum_has_no_step_and_says_so()
    {
        var run = CliRun.Of("bench", "--node", "http://127.0.0.1:1", "--sweep", "--start-rate", "30000");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.SingleErrorLine(), Does.Contain("the sweep has no step"));
    }

    [Test]
    public void The_verify_column_of_the_ed25519_line_is_read_and_anything_else_is_no_reading()
    {
        const string Output = "version: 3.0.19\n                              sign    verify    sign/s verify/s\n" +
            " 253 bits EdDSA (Ed25519)   0.0000s   0.0001s  36047.5  12540.3\n";

        Assert.That(OpensslSpeed.Parse(Output), Is.EqualTo(12540.3));
        Assert.That(OpensslSpeed.Parse("no such algorithm"), Is.Null);
        Assert.That(OpensslSpeed.Parse(" 253 bits EdDSA (Ed25519)   0.0000s   0.0001s  36047.5  fast\n"), Is.Null);
        Assert.That(OpensslSpeed.Parse(" 253 bits EdDSA (Ed25519)   0.0000s   0.0001s  36047.5  -5\n"), Is.Null);
    }
}
