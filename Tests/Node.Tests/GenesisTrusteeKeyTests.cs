using System.Text.Json.Nodes;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Node.Genesis;

namespace VoteChain.Node.Tests;

/// <summary>Validators' trustee keys in the genesis: added, shown, checked, and absent from older files.</summary>
public sealed class GenesisTrusteeKeyTests
{
    /// <summary>The example genesis's hash before trustee keys existed (`genesis show` on main).</summary>
    private const string ExampleHash = "ce4bd0822ed9a4cee5f1f7db10bc2df7ab7486b0f55617ae82842b86e7a0e0d2";

    private TempFolder _temp = null!;
    private string _genesis = null!;

    [SetUp]
    public void CreateFolder()
    {
        _temp = new TempFolder();
        _genesis = _temp.File("genesis.json");
        Succeeds("genesis", "new", "--chain-id", "trustee-test", "--out", _genesis, "--time", "2025-01-31T12:00:00Z");
    }

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    [Test]
    public void Add_validator_records_the_trustee_key_in_hex_and_show_lists_it()
    {
        var trustee = NewPublicKey();

        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey(), "--endpoint", "http://a:1",
            "--name", "alpha", "--trustee-key", trustee);
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey(), "--endpoint", "http://b:1", "--name", "beta");

        var json = JsonNode.Parse(File.ReadAllText(_genesis))!;
        Assert.That(json["validators"]![0]!["trustee_key"]!.GetValue<string>(), Is.EqualTo(trustee));
        Assert.That(json["validators"]![1]!.AsObject().ContainsKey("trustee_key"), Is.False, "an empty key is left out");
        var loaded = GenesisFile.Load(_genesis);
        Assert.That(Convert.ToHexStringLower(loaded.Validators[0].TrusteeKey.Span), Is.EqualTo(trustee));
        Assert.That(loaded.Validators[1].TrusteeKey.IsEmpty, Is.True);

        var show = Succeeds("genesis", "show", "--genesis", _genesis);
        Assert.That(show.Output, Does.Contain($"trustee key: {trustee}"));
        Assert.That(show.Output, Does.Contain("trustee key: none"));
    }

    [Test]
    public void The_trustee_key_changes_the_genesis_hash()
    {
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey(), "--endpoint", "http://a:1");
        var without = GenesisFile.Load(_genesis);
        var with = without.Clone();
        with.Validators[0].TrusteeKey = Google.Protobuf.ByteString.CopyFrom(Convert.FromHexString(NewPublicKey()));

        Assert.That(GenesisHash.Of(with), Is.Not.EqualTo(GenesisHash.Of(without)));
    }

    [Test]
    public void A_genesis_written_before_trustee_keys_loads_rewrites_and_hashes_as_before()
    {
        var example = Path.Combine(RepositoryFolder(), "config", "genesis.example.json");
        var text = File.ReadAllText(example);
        Assert.That(text, Does.Not.Contain("trustee_key"), "the example predates trustee keys");

        var genesis = GenesisFile.Load(example);

        Assert.That(genesis.Validators.All(v => v.TrusteeKey.IsEmpty), Is.True);
        Assert.That(Convert.ToHexStringLower(GenesisHash.Of(genesis)), Is.EqualTo(ExampleHash));
        Assert.That(GenesisFile.ToText(genesis), Is.EqualTo(text), "rewriting it gives the same bytes");
        Assert.That(GenesisValidator.Validate(genesis), Is.Empty);
    }

    [Test]
    public void A_trustee_key_that_is_not_a_key_is_refused()
    {
        var run = CliRun.Of("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey(), "--endpoint", "http://a:1",
            "--trustee-key", "abcd");

        Assert.That(run.SingleErrorLine(), Does.Contain("--trustee-key"));
        Assert.That(GenesisFile.Load(_genesis).Validators, Is.Empty);
    }

    [Test]
    public void Two_validators_cannot_share_a_trustee_key()
    {
        var trustee = NewPublicKey();
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey(), "--endpoint", "http://a:1", "--trustee-key", trustee);

        var run = CliRun.Of("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey(), "--endpoint", "http://b:1",
            "--trustee-key", trustee);

        Assert.That(run.SingleErrorLine(), Does.Contain($"trustee key {trustee}"));
        Assert.That(GenesisFile.Load(_genesis).Validators, Has.Count.EqualTo(1));
    }

    [Test]
    public void The_validator_finds_a_bad_shared_or_reused_trustee_key_in_a_hand_edited_genesis()
    {
        var shared = NewPublicKey();
        var nodeKey = NewPublicKey();
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey(), "--endpoint", "http://a:1", "--trustee-key", shared);
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", nodeKey, "--endpoint", "http://b:1");
        var genesis = GenesisFile.Load(_genesis);
        genesis.Validators[1].TrusteeKey = genesis.Validators[0].TrusteeKey;
        var reused = genesis.Clone();
        reused.Validators[1].TrusteeKey = reused.Validators[1].PublicKey;
        var invalid = genesis.Clone();
        invalid.Validators[1].TrusteeKey = Google.Protobuf.ByteString.CopyFrom(new byte[31]);

        Assert.That(GenesisValidator.Validate(genesis), Has.Some.Contains($"validator trustee key '{shared}' appears 2 times"));
        Assert.That(GenesisValidator.Validate(reused), Has.Some.Contains("uses its node key as its trustee key"));
        Assert.That(GenesisValidator.Validate(invalid), Has.Some.Contains("invalid Ed25519 trustee key"));
    }

    [Test]
    public void The_devnet_genesis_lists_each_validator_s_trustee_key_from_its_home()
    {
        var folder = _temp.File("devnet");
        var (layout, _) = Devnet.DevnetLayout.OpenOrCreate(folder, validators: 2, observers: 1, basePort: 40100, tls: false);

        var genesis = GenesisFile.Load(layout.GenesisPath);

        Assert.That(genesis.Validators, Has.Count.EqualTo(2));
        for (var node = 0; node < 2; node++)
        {
            using var trustee = Keys.TrusteeKeyFile.Load(Keys.TrusteeKeyFile.DefaultPath(layout.Home(node)));
            Assert.That(genesis.Validators[node].TrusteeKey.ToByteArray(), Is.EqualTo(trustee.PublicKey));
        }

        Assert.That(File.Exists(Keys.TrusteeKeyFile.DefaultPath(layout.Home(2))), Is.False, "observers are not in the genesis");
        Assert.That(GenesisValidator.Validate(genesis), Is.Empty);
    }

    private static CliRun Succeeds(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        return run;
    }

    private static string NewPublicKey()
    {
        using var key = Ed25519KeyPair.Generate();
        return Convert.ToHexStringLower(key.PublicKey);
    }

    private static string RepositoryFolder()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "config", "genesis.example.json")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("No config/genesis.example.json above the test folder.");
    }
}
