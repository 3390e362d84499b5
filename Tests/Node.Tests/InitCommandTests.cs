using System.Text.Json.Nodes;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Tests;

public sealed class InitCommandTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    [Test]
    public void Init_creates_the_node_key_the_named_config_and_the_data_folder()
    {
        var home = _temp.File("node0");

        var run = CliRun.Of("init", "--home", home, "--name", "alpha");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var keyPath = Path.Combine(home, "config", "node_key.json");
        using var key = KeyFile.Load(keyPath);
        Assert.That(run.Output, Does.Contain($"public key:  {Convert.ToHexStringLower(key.PublicKey)}"));
        Assert.That(run.Output, Does.Contain(keyPath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(keyPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(home, "config", "node.json")))!;
        Assert.That(config["name"]!.GetValue<string>(), Is.EqualTo("alpha"));
        Assert.That(config["listen"]!.GetValue<string>(), Is.EqualTo("127.0.0.1:7100"));
        Assert.That(config["key_file"]!.GetValue<string>(), Is.EqualTo("config/node_key.json"));
        Assert.That(Directory.Exists(Path.Combine(home, "data")), Is.True);
    }

    [Test]
    public void Without_a_name_the_node_is_named_after_its_home_folder()
    {
        var home = _temp.File("validator-3");

        CliRun.Of("init", "--home", home);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(home, "config", "node.json")))!;
        Assert.That(config["name"]!.GetValue<string>(), Is.EqualTo("validator-3"));
    }

    [Test]
    public void A_second_init_is_refused_and_keeps_the_first_key()
    {
        var home = _temp.File("node");
        var first = CliRun.Of("init", "--home", home);
        var keyText = File.ReadAllText(Path.Combine(home, "config", "node_key.json"));

        var second = CliRun.Of("init", "--home", home);

        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(second.SingleErrorLine(), Does.Contain("already holds a node key"));
        Assert.That(File.ReadAllText(Path.Combine(home, "config", "node_key.json")), Is.EqualTo(keyText));
    }

    [Test]
    public void Init_refuses_to_overwrite_an_existing_node_config()
    {
        var home = _temp.File("node");
        var configPath = Path.Combine(home, "config", "node.json");
        Directory.CreateDirectory(Path.GetDirectoryName(configPath)!);
        File.WriteAllText(configPath, "{}");

        var run = CliRun.Of("init", "--home", home);

        Assert.That(run.SingleErrorLine(), Does.Contain("already exists (refusing to overwrite)"));
        Assert.That(File.Exists(Path.Combine(home, "config", "node_key.json")), Is.False);
    }

    [Test]
    public void Init_rejects_an_unprintable_node_name()
    {
        var run = CliRun.Of("init", "--home", _temp.File("node"), "--name", "bad\u0007name");

        Assert.That(run.SingleErrorLine(), Does.Contain("printable characters"));
    }
}
