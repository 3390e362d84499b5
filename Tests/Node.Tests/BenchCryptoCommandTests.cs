using System.Text.Json;
using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

/// <summary>
/// `bench crypto` runs in-process: its shape and exit codes are checked, never its speed, because timings on a
/// shared CI machine say nothing about correctness.
/// </summary>
public sealed class BenchCryptoCommandTests
{
    [Test]
    public void Json_output_has_every_field_with_positive_times_for_2_5_and_10_options()
    {
        var run = CliRun.Of("bench", "crypto", "--json", "--iterations", "3");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        using var document = JsonDocument.Parse(run.Output);
        var root = document.RootElement;
        Assert.That(root.GetProperty("ed25519_verify_us").GetDouble(), Is.GreaterThan(0));
        var ballots = root.GetProperty("ballots").EnumerateArray().ToList();
        Assert.That(ballots.Select(b => b.GetProperty("options").GetInt32()), Is.EqualTo(new[] { 2, 5, 10 }));
        foreach (var ballot in ballots)
        {
            Assert.That(ballot.GetProperty("create_ms").GetDouble(), Is.GreaterThan(0));
            Assert.That(ballot.GetProperty("verify_ms").GetDouble(), Is.GreaterThan(0));
            Assert.That(ballot.GetProperty("ballot_bytes").GetInt32(), Is.GreaterThan(0));
        }
    }

    [Test]
    public void Text_output_is_a_table_with_a_row_per_option_count()
    {
        var run = CliRun.Of("bench", "crypto", "--iterations", "1");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("ed25519 verify"));
        Assert.That(run.Output, Does.Contain("verify ms"));
        var rows = run.Output.Split('\n').Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cells => cells.Length == 4 && int.TryParse(cells[0], out _)).Select(cells => cells[0]);
        Assert.That(rows, Is.EqualTo(new[] { "2", "5", "10" }));
    }

    [TestCase("0")]
    [TestCase("-5")]
    public void A_non_positive_iteration_count_is_a_usage_error_on_one_line(string iterations)
    {
        var run = CliRun.Of("bench", "crypto", "--iterations", iterations);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), run.Error);
        Assert.That(run.Error, Does.Contain("--iterations"));
    }

    [Test]
    public void Bench_without_the_subcommand_still_checks_its_own_options()
    {
        var run = CliRun.Of("bench", "--voters", "0");

        Assert.That(run.SingleErrorLine(), Does.Contain("--voters"));
    }
}
