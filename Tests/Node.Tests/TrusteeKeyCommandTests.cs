using VoteChain.Node.Keys;

namespace VoteChain.Node.Tests;

/// <summary>The trustee key: made by init beside the node key, or later by `keys trustee`, never overwritten.</summary>
public sealed class TrusteeKeyCommandTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    [Test]
    public void Init_creates_a_separate_owner_only_trustee_key_and_prints_it()
    {
        var home = _temp.File("node0");

        var run = CliRun.Of("init", "--home", home);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var trusteePath = Path.Combine(home, "config", "trustee.key");
        using var trustee = TrusteeKeyFile.Load(trusteePath);
        using var node = KeyFile.Load(Path.Combine(home, "config", "node_key.json"));
        Assert.That(run.Output, Does.Contain($"trustee key: {Convert.ToHexStringLower(trustee.PublicKey)}"));
        Assert.That(trustee.PublicKey, Is.Not.EqualTo(node.PublicKey), "the trustee key is not the node key");
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(trusteePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void Init_refuses_a_home_that_already_has_a_trustee_key_and_keeps_it()
    {
        var home = _temp.File("node");
        var trusteePath = Path.Combine(home, "config", "trustee.key");
        Assert.That(CliRun.Of("keys", "generate", "--out", trusteePath).ExitCode, Is.Zero);
        var before = File.ReadAllText(trusteePath);

        var run = CliRun.Of("init", "--home", home);

        Assert.That(run.SingleErrorLine(), Does.Contain("already holds a trustee key"));
        Assert.That(File.ReadAllText(trusteePath), Is.EqualTo(before));
        Assert.That(File.Exists(Path.Combine(home, "config", "node_key.json")), Is.False, "nothing is written");
    }

    [Test]
    public void Keys_trustee_adds_a_trustee_key_to_a_home_made_before_them()
    {
        var home = _temp.File("old");
        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);
        var trusteePath = Path.Combine(home, "config", "trustee.key");
        File.Delete(trusteePath);

        var run = CliRun.Of("keys", "trustee", "--home", home);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        using var trustee = TrusteeKeyFile.Load(trusteePath);
        Assert.That(run.Output, Does.Contain($"trustee key: {Convert.ToHexStringLower(trustee.PublicKey)}"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(trusteePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void Keys_trustee_puts_the_key_where_the_home_s_config_says_the_node_looks()
    {
        var home = _temp.File("moved");
        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);
        var configPath = Path.Combine(home, "config", "node.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["trustee"]!["key_file"] = "secrets/trustee.json";
        File.WriteAllText(configPath, config.ToJsonString());

        var run = CliRun.Of("keys", "trustee", "--home", home);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        using var trustee = TrusteeKeyFile.Load(Path.Combine(home, "secrets", "trustee.json"));
        Assert.That(run.Output, Does.Contain(Convert.ToHexStringLower(trustee.PublicKey)));
    }

    [Test]
    public void Keys_trustee_never_overwrites_a_trustee_key()
    {
        var home = _temp.File("node");
        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);
        var trusteePath = Path.Combine(home, "config", "trustee.key");
        var before = File.ReadAllText(trusteePath);

        var run = CliRun.Of("keys", "trustee", "--home", home);

        Assert.That(run.SingleErrorLine(), Does.Contain("already holds a trustee key"));
        Assert.That(File.ReadAllText(trusteePath), Is.EqualTo(before));
    }

    [Test]
    public void Keys_trustee_refuses_a_folder_that_is_not_a_node_home()
    {
        var run = CliRun.Of("keys", "trustee", "--home", _temp.File("nothing"));

        Assert.That(run.SingleErrorLine(), Does.Contain("is not a node home"));
        Assert.That(File.Exists(_temp.File(Path.Combine("nothing", "config", "trustee.key"))), Is.False);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_trustee_key_readable_by_others_is_refused_on_load()
    {
        var home = _temp.File("node");
        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);
        var trusteePath = Path.Combine(home, "config", "trustee.key");
        File.SetUnixFileMode(trusteePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var problem = Assert.Throws<UserInputException>(() => TrusteeKeyFile.Load(trusteePath).Dispose());

        Assert.That(problem!.Message, Does.Contain("readable by others"));
    }
}
