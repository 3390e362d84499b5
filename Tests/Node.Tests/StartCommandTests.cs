using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using VoteChain.Consensus.Crypto;
using VoteChain.Storage;

namespace VoteChain.Node.Tests;

/// <summary>`votechain start` refuses bad setups with one clear line and exit 1, before serving anything.</summary>
public sealed class StartCommandTests
{
    private TempFolder _temp = null!;
    private string _home = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _home = _temp.File("node");
        Assert.That(CliRun.Of("init", "--home", _home).ExitCode, Is.Zero);
        var key = CliRun.Of("keys", "show", "--key", Path.Combine(_home, "config", "node_key.json")).Output.Trim();
        var genesis = Path.Combine(_home, "config", "genesis.json");
        Assert.That(CliRun.Of("genesis", "new", "--chain-id", "start-test", "--out", genesis).ExitCode, Is.Zero);
        Assert.That(CliRun.Of("genesis", "add-validator", "--genesis", genesis, "--pubkey", key, "--endpoint", "http://127.0.0.1:7100").ExitCode,
            Is.Zero);
        Assert.That(CliRun.Of("genesis", "add-authority", "--genesis", genesis, "--pubkey", key).ExitCode, Is.Zero);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Start(params string[] extra) => CliRun.Of(["start", "--home", _home, .. extra]).SingleErrorLine();

    [Test]
    public void A_peer_that_is_not_a_url_is_refused()
    {
        Assert.That(Start("--peer", "not-a-url"), Does.Contain("peer 'not-a-url'"));
    }

    [Test]
    public void A_listen_address_without_a_port_is_refused()
    {
        Assert.That(Start("--listen", "localhost"), Does.Contain("listen address 'localhost'"));
    }

    [Test]
    public void A_missing_genesis_file_is_refused()
    {
        Assert.That(Start("--genesis", _temp.File("nowhere.json")), Does.Contain("nowhere.json"));
    }

    [Test]
    public void A_home_without_config_is_refused_with_the_command_that_makes_one()
    {
        var line = CliRun.Of("start", "--home", _temp.File("empty")).SingleErrorLine();
        Assert.That(line, Does.Contain("votechain init"));
    }

    [Test]
    public void A_missing_key_file_is_refused()
    {
        File.Delete(Path.Combine(_home, "config", "node_key.json"));
        Assert.That(Start(), Does.Contain("key file"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_node_key_readable_by_others_is_refused_before_anything_is_opened()
    {
        var key = Path.Combine(_home, "config", "node_key.json");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.That(Start(), Does.Contain($"key file {key} is readable by others (mode 0644)"));
        Assert.That(Directory.Exists(Path.Combine(_home, "data")) && Directory.EnumerateFileSystemEntries(Path.Combine(_home, "data")).Any(),
            Is.False, "nothing was written to the data folder");
        Assert.That(File.Exists(Path.Combine(_home, "config", "sign_state")), Is.False);
    }

    [Test]
    public void Data_of_another_chain_is_refused()
    {
        ChainStore.Open(Path.Combine(_home, "data"), "other-chain", Hashing.Sha256("x"u8)).Dispose();
        Assert.That(Start(), Does.Contain("other-chain"));
    }

    [Test]
    public void A_data_folder_held_by_another_process_is_refused()
    {
        var genesis = Node.Genesis.GenesisFile.Load(Path.Combine(_home, "config", "genesis.json"));
        using var held = ChainStore.Open(Path.Combine(_home, "data"), genesis.ChainId, Consensus.Genesis.GenesisHash.Of(genesis));
        Assert.That(Start(), Does.Contain("in use"));
    }

    [Test]
    public void A_port_in_use_is_refused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Assert.That(Start("--listen", $"127.0.0.1:{port}"), Does.Contain("in use"));
    }

    [Test]
    public void A_broken_config_file_is_refused()
    {
        File.WriteAllText(Path.Combine(_home, "config", "node.json"), "{ not json");
        Assert.That(Start(), Does.Contain("node.json"));
    }

    [Test]
    public void A_tls_section_with_a_certificate_but_no_key_is_refused()
    {
        NameTls("config/tls.crt", null);
        Assert.That(Start(), Does.Contain("tls needs both certificate and key"));
    }

    [Test]
    public void A_missing_tls_certificate_is_refused_with_its_path()
    {
        NameTls("config/none.crt", "config/none.key");
        Assert.That(Start(), Does.Contain("TLS certificate").And.Contain("none.crt").And.Contain("does not exist"));
    }

    [Test]
    public void A_tls_key_that_does_not_belong_to_the_certificate_is_refused()
    {
        var other = _temp.File("other");
        var third = _temp.File("third");
        Assert.That(CliRun.Of("init", "--home", other, "--tls").ExitCode, Is.Zero);
        Assert.That(CliRun.Of("init", "--home", third, "--tls").ExitCode, Is.Zero);

        NameTls(Path.Combine(other, "config", "tls.crt"), Path.Combine(third, "config", "tls.key"));
        Assert.That(Start(), Does.Contain("cannot be used"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_tls_key_readable_by_others_is_refused_with_the_fix()
    {
        var other = _temp.File("other");
        Assert.That(CliRun.Of("init", "--home", other, "--tls").ExitCode, Is.Zero);
        var key = Path.Combine(other, "config", "tls.key");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        NameTls(Path.Combine(other, "config", "tls.crt"), key);
        Assert.That(Start(), Does.Contain($"TLS key {key} is readable by others").And.Contain("keys fix-mode"));
    }

    private void NameTls(string? certificate, string? key)
    {
        var path = Path.Combine(_home, "config", "node.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["tls"] = new JsonObject { ["certificate"] = certificate, ["key"] = key };
        File.WriteAllText(path, config.ToJsonString());
    }
}
