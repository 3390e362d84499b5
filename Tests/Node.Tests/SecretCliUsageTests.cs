using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

/// <summary>The secret-ballot options are refused by the parser when misused (exit 2, before any node is asked).</summary>
public sealed class SecretCliUsageTests
{
    private static readonly string[] Create =
    [
        "election", "create", "--key", "none.json", "--id", "e1", "--title", "T", "--option", "a", "--option", "b",
        "--closes-at", "+1h", "--node", "http://127.0.0.1:1",
    ];

    private const string GoodKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    private static CliRun CreateWith(params string[] extra) => CliRun.Of([.. Create, .. extra]);

    [TestCase("--threshold", "2")]
    [TestCase("--trustee", GoodKey)]
    [TestCase("--min-choices", "1")]
    [TestCase("--max-choices", "2")]
    [TestCase("--key-phase", "30")]
    public void A_secret_setting_without_secret_is_a_usage_error(string option, string value)
    {
        var run = CreateWith(option, value);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain($"{option} only apply to a secret election: add --secret"));
    }

    [TestCase("xyz")]
    [TestCase("d75a98")]
    [TestCase(GoodKey + "00")]
    public void A_trustee_key_that_is_not_a_hex_public_key_is_one_usage_line(string key)
    {
        var run = CreateWith("--secret", "--trustee", GoodKey, "--trustee", key);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), run.Error);
        Assert.That(lines[0], Does.Contain($"--trustee '{key}' is not an Ed25519 public key in hex"));
    }

    [TestCase(new[] { "--min-choices", "1" }, "give --min-choices and --max-choices together")]
    [TestCase(new[] { "--min-choices", "3", "--max-choices", "2" }, "--min-choices 3 is above --max-choices 2")]
    [TestCase(new[] { "--threshold", "0" }, "--threshold must be at least 1")]
    [TestCase(new[] { "--key-phase", "0" }, "--key-phase must be at least 1 second")]
    public void Bad_secret_settings_are_usage_errors(string[] extra, string message)
    {
        var run = CreateWith(["--secret", .. extra]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain(message));
    }

    [Test]
    public void A_well_formed_secret_election_gets_past_the_parser_to_the_key_file()
    {
        var run = CreateWith("--secret", "--trustee", GoodKey, "--threshold", "1", "--min-choices", "0", "--max-choices", "2");

        // Exit 1, not 2: the parser accepted it and the command failed on the missing key file.
        Assert.That(run.SingleErrorLine(), Does.Contain("none.json"));
    }

    [Test]
    public void Election_create_help_documents_the_default_threshold_and_trustees()
    {
        var run = CliRun.Of("election", "create", "--help");
        var help = string.Join(" ", run.Output.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(help, Does.Contain("--secret"));
        Assert.That(help, Does.Contain("n - f with f = floor((n - 1) / 3): f colluding trustees cannot reach it, and f absent trustees cannot block"));
        Assert.That(help, Does.Contain("Default: the genesis validators' trustee keys"));
    }

    [Test]
    public void Vote_help_explains_the_audit_and_that_an_audited_ballot_is_not_cast()
    {
        var run = CliRun.Of("vote", "--help");
        var help = string.Join(" ", run.Output.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));

        Assert.That(help, Does.Contain("--audit-ballot"));
        Assert.That(help, Does.Contain("A = r·G and B = v·G + r·H"));
        Assert.That(help, Does.Contain("An audited ballot must never be cast"));
        Assert.That(help, Does.Contain("comma list"));
    }

    [Test]
    public void Vote_needs_an_option_or_blank_and_not_both()
    {
        var neither = CliRun.Of("vote", "--key", "k.json", "--election", "e1");
        var both = CliRun.Of("vote", "--key", "k.json", "--election", "e1", "--option", "a", "--blank");
        var auditAndWait = CliRun.Of("vote", "--key", "k.json", "--election", "e1", "--option", "a", "--audit-ballot", "--wait");

        Assert.That((neither.ExitCode, both.ExitCode, auditAndWait.ExitCode), Is.EqualTo((ExitCodes.Usage, ExitCodes.Usage, ExitCodes.Usage)));
        Assert.That(both.Error, Does.Contain("not both"));
        Assert.That(auditAndWait.Error, Does.Contain("nothing to --wait for"));
    }
}
