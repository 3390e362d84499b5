using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

public sealed class UsageTests
{
    [Test]
    public void An_unknown_option_is_a_usage_error()
    {
        var run = CliRun.Of("keys", "show", "--kee", "x.json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("--kee"));
    }

    [Test]
    public void A_missing_required_option_is_a_usage_error()
    {
        var run = CliRun.Of("keys", "generate");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("Option '--out' is required."));
    }

    [Test]
    public void An_unknown_command_is_a_usage_error()
    {
        var run = CliRun.Of("frobnicate");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
    }

    [Test]
    public void No_command_at_all_is_a_usage_error()
    {
        var run = CliRun.Of();

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
    }
}
