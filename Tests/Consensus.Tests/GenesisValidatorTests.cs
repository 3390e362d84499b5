using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

public sealed class GenesisValidatorTests
{
    [Test]
    public void A_complete_genesis_has_no_problems()
    {
        Assert.That(GenesisValidator.Validate(ValidGenesis()), Is.Empty);
    }

    [TestCase("votechain-test")]
    [TestCase("0")]
    [TestCase("chain.v1_a-b")]
    public void Chain_ids_of_lower_case_letters_digits_and_separators_are_valid(string chainId)
    {
        Assert.That(GenesisValidator.IsValidChainId(chainId), Is.True);
    }

    [TestCase("")]
    [TestCase("Upper")]
    [TestCase("-leading-dash")]
    [TestCase("has space")]
    [TestCase("trailing-newline\n")]
    public void Chain_ids_outside_the_pattern_are_reported(string chainId)
    {
        var genesis = ValidGenesis();
        genesis.ChainId = chainId;

        Assert.That(GenesisValidator.Validate(genesis), Has.One.Contains("chain id"));
    }

    [Test]
    public void A_chain_id_longer_than_64_characters_is_invalid()
    {
        Assert.That(GenesisValidator.IsValidChainId(new string('a', 64)), Is.True);
        Assert.That(GenesisValidator.IsValidChainId(new string('a', 65)), Is.False);
    }

    [Test]
    public void A_genesis_without_validators_or_authorities_reports_both()
    {
        var genesis = ValidGenesis();
        genesis.Validators.Clear();
        genesis.Authorities.Clear();

        var problems = GenesisValidator.Validate(genesis);

        Assert.That(problems, Has.One.Contains("no validators"));
        Assert.That(problems, Has.One.Contains("no election authorities"));
    }

    [Test]
    public void A_malformed_validator_key_is_reported()
    {
        var genesis = ValidGenesis();
        genesis.Validators[0].PublicKey = ByteString.CopyFrom(new byte[31]);

        Assert.That(GenesisValidator.Validate(genesis), Has.One.Contains("invalid Ed25519 public key"));
    }

    [Test]
    public void The_same_validator_key_twice_is_reported_once()
    {
        var genesis = ValidGenesis();
        genesis.Validators[1].PublicKey = genesis.Validators[0].PublicKey;

        Assert.That(GenesisValidator.Validate(genesis), Has.One.Contains("validator public key").And.Contains("2 times"));
    }

    [Test]
    public void Duplicate_validator_names_and_endpoints_are_reported()
    {
        var genesis = ValidGenesis();
        genesis.Validators[1].Name = genesis.Validators[0].Name;
        genesis.Validators[1].Endpoint = genesis.Validators[0].Endpoint;

        var problems = GenesisValidator.Validate(genesis);

        Assert.That(problems, Has.One.Contains("validator name"));
        Assert.That(problems, Has.One.Contains("validator endpoint"));
    }

    [TestCase("127.0.0.1:7100")]
    [TestCase("ftp://127.0.0.1:7100")]
    [TestCase("/var/run/node.sock")]
    [TestCase("http://")]
    [TestCase("")]
    public void Endpoints_that_are_not_absolute_http_urls_are_reported(string endpoint)
    {
        var genesis = ValidGenesis();
        genesis.Validators[0].Endpoint = endpoint;

        Assert.That(GenesisValidator.Validate(genesis), Has.One.Contains("is not an absolute http or https URL"));
    }

    [TestCase("http://127.0.0.1:7100")]
    [TestCase("https://node-1.example.org")]
    public void Http_and_https_urls_are_valid_endpoints(string endpoint)
    {
        Assert.That(GenesisValidator.IsValidEndpoint(endpoint), Is.True);
    }

    [TestCase("")]
    [TestCase("tab\tinside")]
    public void Empty_or_unprintable_validator_names_are_reported(string name)
    {
        var genesis = ValidGenesis();
        genesis.Validators[0].Name = name;

        Assert.That(GenesisValidator.Validate(genesis), Has.One.Contains("printable characters"));
    }

    [Test]
    public void Malformed_and_duplicate_authority_keys_are_reported()
    {
        var genesis = ValidGenesis();
        genesis.Authorities.Add(genesis.Authorities[0]);
        genesis.Authorities.Add(ByteString.CopyFrom(new byte[5]));

        var problems = GenesisValidator.Validate(genesis);

        Assert.That(problems, Has.One.Contains("authority key").And.Contains("2 times"));
        Assert.That(problems, Has.One.Contains("is not a valid Ed25519 public key"));
    }

    [Test]
    public void Zero_consensus_params_are_reported_except_the_block_interval()
    {
        var genesis = ValidGenesis();
        genesis.Params = new ConsensusParams();

        var problems = GenesisValidator.Validate(genesis);

        Assert.That(problems, Has.Count.EqualTo(4));
        Assert.That(problems, Has.None.Contains("block_interval_ms"));
    }

    [Test]
    public void Missing_consensus_params_are_reported()
    {
        var genesis = ValidGenesis();
        genesis.Params = null;

        Assert.That(GenesisValidator.Validate(genesis), Is.EqualTo(new[] { "consensus params are missing" }));
    }

    [Test]
    public void A_genesis_time_at_or_before_the_epoch_is_reported()
    {
        var genesis = ValidGenesis();
        genesis.GenesisTimeUnixMs = 0;

        Assert.That(GenesisValidator.Validate(genesis), Has.One.Contains("genesis time"));
    }

    private static Protos.V1.Genesis ValidGenesis()
    {
        var genesis = new Protos.V1.Genesis
        {
            ChainId = "votechain-test",
            GenesisTimeUnixMs = 1_735_689_600_000,
            Params = new ConsensusParams
            {
                MaxBlockBytes = 1 << 20,
                MaxBlockTxs = 10_000,
                ProposeTimeoutMs = 2_000,
                BlockIntervalMs = 1_000,
                MaxClockDriftMs = 5_000,
            },
        };
        for (byte i = 1; i <= 4; i++)
        {
            genesis.Validators.Add(new ValidatorInfo
            {
                Name = $"validator-{i}",
                PublicKey = ByteString.CopyFrom(PublicKeyFromSeed(i)),
                Endpoint = $"http://127.0.0.1:{7099 + i}",
            });
        }

        genesis.Authorities.Add(ByteString.CopyFrom(PublicKeyFromSeed(100)));
        return genesis;
    }

    private static byte[] PublicKeyFromSeed(byte number)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        seed[0] = number;
        using var key = Ed25519KeyPair.FromSeed(seed);
        return key.PublicKey;
    }
}
