using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

/// <summary>`votechain trustee run` refuses bad usage, bad key and genesis files and an unreachable node with one line.</summary>
public sealed class TrusteeRunCommandTests
{
    private TempFolder _temp = null!;
    private string _key = null!;
    private string _genesis = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _key = _temp.File("trustee.json");
        Assert.That(CliRun.Of("keys", "generate", "--out", _key).ExitCode, Is.Zero);
        _genesis = _temp.File("genesis.json");
        var validator = CliRun.Of("keys", "show", "--key", _key).Output.Trim();
        Assert.That(CliRun.Of("genesis", "new", "--chain-id", "trustee-run", "--out", _genesis).ExitCode, Is.Zero);
        Assert.That(CliRun.Of("genesis", "add-validator", "--genesis", _genesis, "--pubkey", validator, "--endpoint", "http://127.0.0.1:7100")
            .ExitCode, Is.Zero);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Without_a_key_it_is_a_usage_error()
    {
        var run = CliRun.Of("trustee", "run", "--genesis", _genesis, "--node", "http://127.0.0.1:7100");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("--key"));
    }

    [Test]
    public void Without_a_genesis_it_is_a_usage_error_because_the_chain_could_not_be_verified()
    {
        var run = CliRun.Of("trustee", "run", "--key", _key, "--node", "http://127.0.0.1:7100", "--once");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("--genesis"));
    }

    [Test]
    public void An_unreadable_genesis_is_one_line_and_exit_1()
    {
        var missing = _temp.File("no-genesis.json");
        var empty = _temp.File("empty-genesis.json");
        Assert.That(CliRun.Of("genesis", "new", "--chain-id", "empty", "--out", empty).ExitCode, Is.Zero);

        var missingLine = CliRun.Of("trustee", "run", "--key", _key, "--genesis", missing, "--node", UnusedUrl(), "--once").SingleErrorLine();
        var emptyLine = CliRun.Of("trustee", "run", "--key", _key, "--genesis", empty, "--node", UnusedUrl(), "--once").SingleErrorLine();

        Assert.That(missingLine, Does.Contain(missing));
        Assert.That(emptyLine, Does.Contain("lists no validators"));
    }

    [Test]
    public void Trustee_without_run_is_a_usage_error()
    {
        Assert.That(CliRun.Of("trustee").ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void The_help_names_every_option()
    {
        var run = CliRun.Of("trustee", "run", "--help");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Output, Does.Contain("--key").And.Contain("--genesis").And.Contain("--node").And.Contain("--election").And.Contain("--once").And.Contain("--tls-ca"));
    }

    [Test]
    public void A_missing_key_file_is_one_line_and_exit_1()
    {
        var missing = _temp.File("none.json");

        var line = CliRun.Of("trustee", "run", "--key", missing, "--genesis", _genesis, "--node", UnusedUrl(), "--once").SingleErrorLine();

        Assert.That(line, Does.Contain(missing));
    }

    [Test]
    public void A_key_file_that_is_not_a_key_is_one_line_and_exit_1()
    {
        var broken = _temp.File("broken.json");
        Assert.That(CliRun.Of("keys", "generate", "--out", broken).ExitCode, Is.Zero);
        File.WriteAllText(broken, "{ not a key");

        var line = CliRun.Of("trustee", "run", "--key", broken, "--genesis", _genesis, "--node", UnusedUrl(), "--once").SingleErrorLine();

        Assert.That(line, Does.Contain("not a valid key file"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_key_file_readable_by_others_is_one_line_and_exit_1()
    {
        File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var line = CliRun.Of("trustee", "run", "--key", _key, "--genesis", _genesis, "--node", UnusedUrl(), "--once").SingleErrorLine();

        Assert.That(line, Does.Contain("readable by others").And.Contain("fix-mode"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void An_unreachable_node_is_one_line_and_exit_1(bool once)
    {
        var url = UnusedUrl();
        string[] args = ["trustee", "run", "--key", _key, "--genesis", _genesis, "--node", url];

        var line = CliRun.Of(once ? [.. args, "--once"] : args).SingleErrorLine();

        Assert.That(line, Does.Contain($"cannot reach a node at {url}"));
    }

    [Test]
    public void A_node_url_that_is_not_http_is_one_line_and_exit_1()
    {
        var line = CliRun.Of("trustee", "run", "--key", _key, "--genesis", _genesis, "--node", "ftp://example", "--once").SingleErrorLine();

        Assert.That(line, Does.Contain("--node 'ftp://example'"));
    }

    [Test]
    public void A_node_that_enables_its_trustee_without_a_key_file_does_not_start()
    {
        var home = _temp.File("node");
        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);
        File.Delete(Path.Combine(home, "config", "trustee.key"));
        var configPath = Path.Combine(home, "config", "node.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["trustee"] = new JsonObject { ["enabled"] = true };
        File.WriteAllText(configPath, config.ToJsonString());
        WriteGenesis(home);

        var line = CliRun.Of("start", "--home", home).SingleErrorLine();

        Assert.That(line, Does.Contain("trustee.enabled is true").And.Contain("keys trustee"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_node_loads_its_trustee_key_at_start_with_the_same_mode_check()
    {
        var home = _temp.File("node");
        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);
        var trusteeKey = Path.Combine(home, "config", "trustee.key");
        File.SetUnixFileMode(trusteeKey, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        WriteGenesis(home);

        var line = CliRun.Of("start", "--home", home).SingleErrorLine();

        Assert.That(line, Does.Contain($"key file {trusteeKey} is readable by others"));
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(home, "data")), Is.Empty, "refused before the database is opened");
    }

    private static void WriteGenesis(string home)
    {
        var key = CliRun.Of("keys", "show", "--key", Path.Combine(home, "config", "node_key.json")).Output.Trim();
        var genesis = Path.Combine(home, "config", "genesis.json");
        Assert.That(CliRun.Of("genesis", "new", "--chain-id", "trustee-start", "--out", genesis).ExitCode, Is.Zero);
        Assert.That(CliRun.Of("genesis", "add-validator", "--genesis", genesis, "--pubkey", key, "--endpoint", "http://127.0.0.1:7100").ExitCode,
            Is.Zero);
        Assert.That(CliRun.Of("genesis", "add-authority", "--genesis", genesis, "--pubkey", key).ExitCode, Is.Zero);
    }

    /// <summary>A loopback URL on a port nothing listens on (taken from the system, then released).</summary>
    private static string UnusedUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
