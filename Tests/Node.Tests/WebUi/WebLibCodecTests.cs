using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Networking.Tests.Support;
using VoteChain.Node.Anonymous;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// The page library's readers (codec.js, credential.js) in Node.js against files and blocks the node writes: a
/// genesis.json hashes to the node's genesis hash, a committed block decodes to its own header, hash, certificate
/// and transactions, and key and credential files parse to the keys they hold, bad ones to a one-sentence refusal.
/// </summary>
[NonParallelizable]
public sealed class WebLibCodecTests
{
    private WebLibTool _tool = null!;
    private TempFolder _folder = null!;

    [OneTimeSetUp]
    public void StartTool()
    {
        _tool = WebLibTool.Start();
        _folder = new TempFolder();
    }

    [OneTimeTearDown]
    public void StopTool()
    {
        _tool.Dispose();
        _folder.Dispose();
    }

    [Test]
    public void The_example_genesis_file_hashes_to_the_nodes_genesis_hash()
    {
        var path = Path.Combine(RepositoryFolder(), "config", "genesis.example.json");

        var genesis = _tool.Result(new { op = "genesis-json", text = File.ReadAllText(path) });

        Assert.That(genesis["hash"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(GenesisHash.Of(GenesisFile.Load(path)))));
        Assert.That(genesis["chainId"]!.GetValue<string>(), Is.EqualTo("votechain-example"));
        Assert.That(genesis["validators"]!.AsArray(), Has.Count.EqualTo(4));
    }

    [Test]
    public void A_genesis_with_trustee_keys_an_offset_time_and_zero_params_hashes_as_the_node_reads_it()
    {
        using var validator = Ed25519KeyPair.Generate();
        using var trustee = Ed25519KeyPair.Generate();
        using var authority = Ed25519KeyPair.Generate();
        var message = new GenesisMessage { ChainId = "ünïcode-chain", Params = new ConsensusParams { MaxBlockTxs = 5 } };
        message.Validators.Add(new ValidatorInfo
        {
            Name = "v0", PublicKey = ByteString.CopyFrom(validator.PublicKey), Endpoint = "http://127.0.0.1:7100",
            TrusteeKey = ByteString.CopyFrom(trustee.PublicKey),
        });
        message.Authorities.Add(ByteString.CopyFrom(authority.PublicKey));
        var json = JsonNode.Parse(GenesisFile.ToText(message))!;
        json["genesis_time"] = "2025-06-30T23:59:59.1234567+02:00";
        var path = _folder.File("genesis-offset.json");
        File.WriteAllText(path, json.ToJsonString());
        var loaded = GenesisFile.Load(path);

        var genesis = _tool.Result(new { op = "genesis-json", text = File.ReadAllText(path) });
        var fromBytes = _tool.Result(new { op = "decode-genesis", genesis = Convert.ToHexStringLower(loaded.ToByteArray()) });

        Assert.That(loaded.GenesisTimeUnixMs, Is.EqualTo(DateTimeOffset.Parse("2025-06-30T21:59:59.123Z").ToUnixTimeMilliseconds()));
        Assert.That(genesis["hash"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(GenesisHash.Of(loaded))));
        Assert.That(fromBytes.ToJsonString(), Is.EqualTo(genesis.ToJsonString()));
        Assert.That(genesis["genesisTimeUnixMs"]!.GetValue<long>(), Is.EqualTo(loaded.GenesisTimeUnixMs));
        Assert.That(genesis["authorities"]![0]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(authority.PublicKey)));
    }

    [TestCase("{", "not valid JSON")]
    [TestCase("[]", "does not hold a genesis object")]
    [TestCase("""{"validators":[],"authorities":[]}""", "lacks chain_id")]
    [TestCase("""{"chain_id":"c","genesis_time":"2025-01-01T00:00:00Z","validators":[{"name":"v","public_key":"00","endpoint":"e"}],"authorities":[]}""",
        "validators[0].public_key in the genesis file is not a 32-byte key in hex")]
    [TestCase("""{"chain_id":"c","genesis_time":"yesterday","validators":[],"authorities":[]}""", "is not an ISO-8601 time")]
    [TestCase("""{"chain_id":"c","genesis_time":"2025-02-30T00:00:00Z","validators":[],"authorities":[]}""", "not a real date")]
    [TestCase("""{"chain_id":"c","genesis_time":"2025-01-01T00:00:00Z","validators":[],"authorities":[],"params":{"max_block_txs":-1}}""",
        "not an unsigned 32-bit integer")]
    public void A_bad_genesis_file_is_refused_in_one_sentence(string text, string words)
    {
        var error = _tool.Error(new { op = "genesis-json", text });

        AssertOneSentence(error, words);
    }

    [Test]
    public void A_committed_block_decodes_to_its_header_hash_certificate_and_transactions()
    {
        using var chain = new ApiChain(_folder.File("chain"));
        chain.Commit(chain.CreateElection());
        chain.Commit(chain.Register(ApiChain.Election, chain.Voter(1), chain.Voter(2)));
        var votes = new[] { ApiChain.Vote(ApiChain.Election, chain.Voter(1), 0), ApiChain.Vote(ApiChain.Election, chain.Voter(2), 2, 5) };
        var block = chain.Commit(votes);

        var decoded = _tool.Result(new { op = "decode-block", block = Convert.ToHexStringLower(block.Block.ToByteArray()) });

        var header = decoded["header"]!;
        Assert.That(decoded["hash"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(block.Hash)));
        Assert.That((header["chainId"]!.GetValue<string>(), header["height"]!.GetValue<long>(), header["txCount"]!.GetValue<int>(),
            header["timeUnixMs"]!.GetValue<long>()), Is.EqualTo((ApiChain.ChainId, 3L, 2, ApiChain.TimeOf(3))));
        Assert.That(header["previousHash"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(block.Header.PreviousHash.Span)));
        Assert.That(header["txRoot"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(block.Header.TxRoot.Span)));
        var certificate = decoded["certificate"]!;
        Assert.That(certificate["blockHash"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(block.Hash)));
        Assert.That(certificate["signatures"]![0]!["signature"]!.GetValue<string>(),
            Is.EqualTo(Convert.ToHexStringLower(block.Block.Certificate.Signatures[0].Signature.Span)));
        var transactions = decoded["transactions"]!.AsArray();
        Assert.That(transactions.Select(t => t!["id"]!.GetValue<string>()), Is.EqualTo(votes.Select(v => Convert.ToHexStringLower(Hashing.Sha256(v)))));
        Assert.That(transactions.Select(t => t!["kind"]!.GetValue<string>()), Is.EqualTo(new[] { "castVote", "castVote" }));
        Assert.That(transactions[1]!["signer"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(chain.Voter(2).PublicKey)));
        var payload = transactions[1]!["payload"]!;
        Assert.That((payload["electionId"]!.GetValue<string>(), payload["option"]!.GetValue<int>(), payload["sequence"]!.GetValue<string>()),
            Is.EqualTo((ApiChain.Election, 2, "5")));
        Assert.That(transactions[0]!["payload"]!["option"]!.GetValue<int>(), Is.Zero, "a default value decodes as itself");
    }

    [Test]
    public void A_truncated_block_is_refused_as_the_node_refuses_it()
    {
        using var chain = new ApiChain(_folder.File("chain-truncated"));
        var bytes = chain.Commit(chain.CreateElection()).Block.ToByteArray();
        var truncated = bytes[..^10];

        var error = _tool.Error(new { op = "decode-block", block = Convert.ToHexStringLower(truncated) });

        Assert.That(error, Is.Not.Empty);
        Assert.Throws<InvalidProtocolBufferException>(() => Block.Parser.ParseFrom(truncated));
    }

    [Test]
    public void A_registration_block_shows_credentials_as_hex()
    {
        using var chain = new ApiChain(_folder.File("chain-registration"));
        chain.Commit(chain.CreateElection());
        var block = chain.Commit(chain.Register(ApiChain.Election, chain.Voter(1)));

        var decoded = _tool.Result(new { op = "decode-block", block = Convert.ToHexStringLower(block.Block.ToByteArray()) });

        var transaction = decoded["transactions"]![0]!;
        Assert.That(transaction["kind"]!.GetValue<string>(), Is.EqualTo("registerVoters"));
        Assert.That(transaction["payload"]!["voters"]![0]!["credential"]!.GetValue<string>(),
            Is.EqualTo(Convert.ToHexStringLower(chain.Voter(1).PublicKey)));
        Assert.That(transaction["payload"]!["voters"]![0]!["weight"]!.GetValue<string>(), Is.EqualTo("1"));
    }

    private static IEnumerable<TestCaseData> EveryKind()
    {
        var key = ByteString.CopyFrom(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var create = new CreateElection
        {
            ElectionId = "élection", Title = "", Options = { "a", "", "c" }, OpensAtUnixMs = -1, ClosesAtUnixMs = long.MaxValue,
            AllowRevote = true, Secret = new SecretBallotSettings(), // set but empty: written as an empty message
            Anonymous = new AnonymousSettings { Issuers = { key }, IssuingClosesAtUnixMs = 5 },
        };
        var payloads = new TxPayload[]
        {
            new() { CreateElection = create },
            new() { RegisterVoters = new RegisterVoters { ElectionId = "e", Voters = { new VoterEntry { Credential = key }, new VoterEntry { Credential = key, Weight = ulong.MaxValue } } } },
            new() { RevokeCredential = new RevokeCredential { ElectionId = "e", Credential = key, Replacement = key } },
            new() { CastVote = new CastVote { ElectionId = "e", Option = 0, Sequence = (1UL << 53) + 1 } },
            new() { CastEncryptedVote = new CastEncryptedVote { ElectionId = "e", Sequence = 2, Ciphertexts = { key, ByteString.Empty }, SumProof = key } },
            new() { KeyAck = new KeyGenerationAck { ElectionId = "e", Complaints = { 1, 300 }, CheckedDealers = { 0, 1, 2, 70000 } } },
            new() { KeyReveal = new KeyGenerationReveal { ElectionId = "e", Recipient = uint.MaxValue, Share = key } },
            new() { PublishResult = new PublishResult { ElectionId = "e", OptionWeights = { 0, 5, ulong.MaxValue } } },
            new() { CloseTally = new CloseTally() },
            new() { RegisterAnonymous = new RegisterAnonymousCredential { ElectionId = "e", Weight = 7, Signatures = { new IssuerSignature { Prefix = key } } } },
        };
        return payloads.Select(p =>
        {
            p.ChainId = "chain";
            return new TestCaseData(p) { TestName = $"A {p.KindCase} payload re-encodes to the bytes Google.Protobuf writes" };
        });
    }

    [TestCaseSource(nameof(EveryKind))]
    public void Every_transaction_kind_re_encodes_to_the_same_bytes(TxPayload payload)
    {
        var bytes = Convert.ToHexStringLower(payload.ToByteArray());

        var again = _tool.Result(new { op = "reencode", type = "TxPayload", bytes });

        Assert.That(again.GetValue<string>(), Is.EqualTo(bytes));
    }

    [Test]
    public void A_key_file_from_keys_gen_parses_to_its_key()
    {
        using var key = Ed25519KeyPair.Generate();
        var path = _folder.File("voter.key");
        KeyFile.Save(path, key);

        var parsed = _tool.Result(new { op = "credential", text = File.ReadAllText(path) });

        Assert.That(parsed["kind"]!.GetValue<string>(), Is.EqualTo("key"));
        Assert.That(parsed["publicKey"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(key.PublicKey)));
        Assert.That(parsed["seed"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(key.ExportSeed())));
        Assert.That(parsed["electionId"], Is.Null);
    }

    [Test]
    public void An_anonymous_credential_file_parses_to_its_key_election_and_weight()
    {
        var path = _folder.File("anonymous.credential");
        var text = CredentialText(path, weight: 4, signature: "ab12");
        using var key = CredentialFile.Parse(path, text).Key(path);

        var parsed = _tool.Result(new { op = "credential", text });

        Assert.That(parsed["kind"]!.GetValue<string>(), Is.EqualTo("anonymous"));
        Assert.That(parsed["publicKey"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(key.PublicKey)));
        Assert.That(parsed["electionId"]!.GetValue<string>(), Is.EqualTo("shareholders-2026"));
        Assert.That(parsed["weight"]!.GetValue<int>(), Is.EqualTo(4));
    }

    [Test]
    public void Bad_key_and_credential_files_are_refused_in_one_sentence()
    {
        using var key = Ed25519KeyPair.Generate();
        using var other = Ed25519KeyPair.Generate();
        var seed = Convert.ToHexStringLower(key.ExportSeed());
        var mixed = JsonSerializer.Serialize(new { type = "ed25519", public_key = Convert.ToHexStringLower(other.PublicKey), private_seed = seed });
        var cases = new (string Text, string Words)[]
        {
            ("not json", "not valid JSON"),
            ("42", "holds no JSON object"),
            ("{}", "it names no type"),
            ("""{"type":"rsa"}""", "its type is 'rsa'"),
            ("""{"type":"ed25519","public_key":"00","private_seed":"00"}""", "is not 32 bytes of hex"),
            (mixed, "its public_key does not belong to its private_seed"),
            (CredentialText(_folder.File("pending.credential"), weight: 1, signature: null), "not every issuer has signed it"),
            (new string(' ', 70_000), "far too large"),
        };

        foreach (var (text, words) in cases)
        {
            AssertOneSentence(_tool.Error(new { op = "credential", text }), words);
        }
    }

    /// <summary>An anonymous credential file as `credential request` writes it (complete when the issuer signed).</summary>
    private static string CredentialText(string path, ulong weight, string? signature)
    {
        using var key = Ed25519KeyPair.Generate();
        var content = new CredentialFileJson(CredentialFile.Type, Convert.ToHexStringLower(key.PublicKey), Convert.ToHexStringLower(key.ExportSeed()),
            "votechain-test", "shareholders-2026", weight, [new CredentialIssuerPart("aa", "bb", "cc", Signature: signature)]);
        new CredentialFile(content).Update(content, path);
        return File.ReadAllText(path);
    }

    private static void AssertOneSentence(string error, string words)
    {
        Assert.That(error, Does.Contain(words));
        Assert.That(error, Does.EndWith("."));
        Assert.That(error, Does.Not.Contain("\n").And.Not.Contain(". "), "one sentence");
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
