using VoteChain.Consensus.Genesis;
using VoteChain.Node.Genesis;

namespace VoteChain.Node.Tests;

public sealed class GenesisCommandTests
{
    private TempFolder _temp = null!;
    private string _genesis = null!;

    [SetUp]
    public void CreateFolder()
    {
        _temp = new TempFolder();
        _genesis = _temp.File("genesis.json");
    }

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    [Test]
    public void New_add_validator_and_add_authority_round_trip_through_the_file()
    {
        var validatorKey = NewPublicKey("validator");
        var authorityKey = NewPublicKey("authority");

        Succeeds("genesis", "new", "--chain-id", "votechain-test", "--out", _genesis, "--time", "2025-01-31T12:00:00Z");
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", validatorKey,
            "--endpoint", "http://127.0.0.1:7100", "--name", "alpha");
        Succeeds("genesis", "add-authority", "--genesis", _genesis, "--pubkey", authorityKey);

        var genesis = GenesisFile.Load(_genesis);
        Assert.That(genesis.ChainId, Is.EqualTo("votechain-test"));
        Assert.That(genesis.GenesisTimeUnixMs, Is.EqualTo(DateTimeOffset.Parse("2025-01-31T12:00:00Z").ToUnixTimeMilliseconds()));
        Assert.That(genesis.Validators, Has.Count.EqualTo(1));
        Assert.That(genesis.Validators[0].Name, Is.EqualTo("alpha"));
        Assert.That(Convert.ToHexStringLower(genesis.Validators[0].PublicKey.Span), Is.EqualTo(validatorKey));
        Assert.That(genesis.Validators[0].Endpoint, Is.EqualTo("http://127.0.0.1:7100"));
        Assert.That(genesis.Authorities.Select(a => Convert.ToHexStringLower(a.Span)), Is.EqualTo(new[] { authorityKey }));
        Assert.That(genesis.Params, Is.EqualTo(GenesisDefaults.Params()));
        Assert.That(GenesisValidator.Validate(genesis), Is.Empty);
        Assert.That(Directory.GetFiles(_temp.Path, "*.tmp"), Is.Empty, "no temporary file is left behind");
    }

    [Test]
    public void A_validator_without_a_name_is_numbered()
    {
        CreateGenesis();
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey("a"), "--endpoint", "http://a:1");
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey("b"), "--endpoint", "http://b:1");

        Assert.That(GenesisFile.Load(_genesis).Validators.Select(v => v.Name), Is.EqualTo(new[] { "validator-1", "validator-2" }));
    }

    [Test]
    public void New_refuses_to_overwrite_a_genesis_file()
    {
        CreateGenesis();

        var run = CliRun.Of("genesis", "new", "--chain-id", "other", "--out", _genesis);

        Assert.That(run.SingleErrorLine(), Does.Contain("already exists (refusing to overwrite)"));
        Assert.That(GenesisFile.Load(_genesis).ChainId, Is.EqualTo("votechain-test"));
    }

    [TestCase("Upper-Case")]
    [TestCase("has space")]
    public void New_rejects_a_bad_chain_id(string chainId)
    {
        var run = CliRun.Of("genesis", "new", "--chain-id", chainId, "--out", _genesis);

        Assert.That(run.SingleErrorLine(), Does.Contain($"chain id '{chainId}' must match"));
        Assert.That(File.Exists(_genesis), Is.False);
    }

    [Test]
    public void New_rejects_a_time_that_is_not_iso_8601()
    {
        var run = CliRun.Of("genesis", "new", "--chain-id", "c", "--out", _genesis, "--time", "31/01/2025");

        Assert.That(run.SingleErrorLine(), Does.Contain("is not an ISO-8601 time"));
    }

    [Test]
    public void A_duplicate_validator_key_is_rejected_and_the_file_is_unchanged()
    {
        CreateGenesis();
        var key = NewPublicKey("v");
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", key, "--endpoint", "http://127.0.0.1:7100");
        var before = File.ReadAllText(_genesis);

        var run = CliRun.Of("genesis", "add-validator", "--genesis", _genesis, "--pubkey", key, "--endpoint", "http://127.0.0.1:7101");

        Assert.That(run.SingleErrorLine(), Is.EqualTo($"error: validator 'validator-1' already has key {key}"));
        Assert.That(File.ReadAllText(_genesis), Is.EqualTo(before));
    }

    [Test]
    public void A_duplicate_validator_endpoint_is_rejected()
    {
        CreateGenesis();
        Succeeds("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey("a"), "--endpoint", "http://127.0.0.1:7100");

        var run = CliRun.Of("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey("b"),
            "--endpoint", "http://127.0.0.1:7100");

        Assert.That(run.SingleErrorLine(), Does.Contain("already has endpoint http://127.0.0.1:7100"));
    }

    [Test]
    public void A_duplicate_authority_is_rejected()
    {
        CreateGenesis();
        var key = NewPublicKey("authority");
        Succeeds("genesis", "add-authority", "--genesis", _genesis, "--pubkey", key);

        var run = CliRun.Of("genesis", "add-authority", "--genesis", _genesis, "--pubkey", key);

        Assert.That(run.SingleErrorLine(), Is.EqualTo($"error: authority {key} is already in the genesis file"));
    }

    [TestCase("not-hex", "--pubkey is not valid hex")]
    [TestCase("abcd", "--pubkey must be 32 bytes")]
    public void A_bad_hex_public_key_is_rejected(string publicKey, string expected)
    {
        CreateGenesis();

        var validator = CliRun.Of("genesis", "add-validator", "--genesis", _genesis, "--pubkey", publicKey, "--endpoint", "http://a:1");
        var authority = CliRun.Of("genesis", "add-authority", "--genesis", _genesis, "--pubkey", publicKey);

        Assert.That(validator.SingleErrorLine(), Does.Contain(expected));
        Assert.That(authority.SingleErrorLine(), Does.Contain(expected));
    }

    [TestCase("127.0.0.1:7100")]
    [TestCase("grpc://127.0.0.1:7100")]
    [TestCase("/relative/path")]
    public void A_bad_endpoint_is_rejected(string endpoint)
    {
        CreateGenesis();

        var run = CliRun.Of("genesis", "add-validator", "--genesis", _genesis, "--pubkey", NewPublicKey("v"), "--endpoint", endpoint);

        Assert.That(run.SingleErrorLine(), Does.Contain("is not an absolute http or https URL"));
    }

    [TestCase("{", "is not a valid genesis file")]
    [TestCase("{\"chain_id\":\"c\"}", "missing required properties")]
    [TestCase("{\"chain_id\":\"c\",\"genesis_time\":\"2025-01-01T00:00:00Z\",\"validators\":[],\"authorities\":[\"xyz\"],"
        + "\"params\":{\"max_block_bytes\":1,\"max_block_txs\":1,\"propose_timeout_ms\":1,\"block_interval_ms\":1,"
        + "\"max_clock_drift_ms\":1}}", "authorities[0] in")]
    [TestCase("{\"chain_id\":\"c\",\"chain_idd\":\"c\"}", "chain_idd")]
    [TestCase("{\"chain_id\":\"c\",\"genesis_time\":\"2025-01-01T00:00:00Z\",\"validators\":[null],\"authorities\":[null],"
        + "\"params\":{\"max_block_bytes\":1,\"max_block_txs\":1,\"propose_timeout_ms\":1,\"block_interval_ms\":1,"
        + "\"max_clock_drift_ms\":1}}", "validators[0] in")]
    [TestCase("{\"chain_id\":\"c\",\"genesis_time\":\"2025-01-01T00:00:00Z\",\"validators\":[],\"authorities\":[null],"
        + "\"params\":{\"max_block_bytes\":1,\"max_block_txs\":1,\"propose_timeout_ms\":1,\"block_interval_ms\":1,"
        + "\"max_clock_drift_ms\":1}}", "authorities[0] in")]
    [TestCase("{\"chain_id\":\"c\",\"genesis_time\":\"2025-01-01T00:00:00Z\",\"validators\":[],\"authorities\":[],"
        + "\"params\":{\"max_block_bytes\":-1,\"max_block_txs\":1,\"propose_timeout_ms\":1,\"block_interval_ms\":1,"
        + "\"max_clock_drift_ms\":1}}", "max_block_bytes")]
    public void A_bad_genesis_file_is_reported_in_one_line(string content, string expected)
    {
        File.WriteAllText(_genesis, content);

        var run = CliRun.Of("genesis", "show", "--genesis", _genesis);

        Assert.That(run.SingleErrorLine(), Does.Contain(expected));
    }

    [Test]
    public void Show_prints_the_genesis_hash_and_what_is_missing()
    {
        CreateGenesis();

        var run = CliRun.Of("genesis", "show", "--genesis", _genesis);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var hash = Convert.ToHexStringLower(GenesisHash.Of(GenesisFile.Load(_genesis)));
        Assert.That(run.Output, Does.Contain($"genesis hash: {hash}"));
        Assert.That(run.Output, Does.Contain("there are no validators"));
    }

    private void CreateGenesis() =>
        Succeeds("genesis", "new", "--chain-id", "votechain-test", "--out", _genesis, "--time", "2025-01-31T12:00:00Z");

    private string NewPublicKey(string name) => Succeeds("keys", "generate", "--out", _temp.File($"{name}.key.json")).Trim();

    private static string Succeeds(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        return run.Output;
    }
}
