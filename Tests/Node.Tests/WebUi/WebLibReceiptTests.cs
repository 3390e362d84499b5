using System.Text.Json.Nodes;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Node.Cli.Verify;
using VoteChain.Protos.V1;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// Receipts of a real committed chain (RocksDB, the gRPC API) checked by the page library (receipt.js) in Node.js
/// against the genesis validators, and by the node's ReceiptVerifier as `votechain receipt` lays it out: every
/// receipt, honest or tampered, gets the same five check results and the same problem sentence from both.
/// </summary>
[NonParallelizable]
public sealed class WebLibReceiptTests
{
    private readonly List<Ed25519KeyPair> _validators = [];
    private string _folder = "";
    private ApiChain _chain = null!;
    private ApiHost _host = null!;
    private WebLibTool _tool = null!;
    private Receipt _receipt = null!;
    private GenesisMessage _genesis = null!;

    [OneTimeSetUp]
    public async Task CommitAChainAndFetchAReceipt()
    {
        _tool = WebLibTool.Start();
        _folder = Path.Combine(Path.GetTempPath(), "votechain-weblib-tests", Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        var service = new ApiService(_chain.Store, _chain.Mempool, _chain.Events, new StoreStatusSource(_chain.Store));
        _host = await ApiHost.StartAsync(service);
        _chain.Commit(_chain.CreateElection());
        _chain.Commit(_chain.Register(ApiChain.Election, _chain.Voter(1), _chain.Voter(2), _chain.Voter(3)));
        var votes = Enumerable.Range(1, 3).Select(i => ApiChain.Vote(ApiChain.Election, _chain.Voter(i), (uint)i - 1)).ToArray();
        _chain.Commit(votes);
        _receipt = await _host.Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(Hashing.Sha256(votes[1])) });

        // Four validators (quorum 3) rather than the test chain's one, so quorum counting is tested: the chain's
        // validator and three more sign the certificate again, as a four-validator chain would have.
        _validators.AddRange([_chain.Validator, _chain.Key(50), _chain.Key(51), _chain.Key(52)]);
        _genesis = new GenesisMessage { ChainId = ApiChain.ChainId, GenesisTimeUnixMs = ApiChain.Start, Params = new ConsensusParams() };
        _genesis.Validators.AddRange(_validators.Select((k, i) => new ValidatorInfo
        {
            Name = $"validator-{i}", PublicKey = ByteString.CopyFrom(k.PublicKey), Endpoint = $"http://127.0.0.1:{7100 + i}",
        }));
        _receipt.Certificate.Signatures.Clear();
        _receipt.Certificate.Signatures.AddRange(_validators.Select((k, i) => Signature(_receipt, k, (uint)i)));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _tool.Dispose();
        await _host.DisposeAsync();
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public void An_honest_receipt_passes_all_five_checks()
    {
        var verdict = SameVerdict(_receipt, _genesis);

        Assert.That(verdict["ok"]!.GetValue<bool>(), Is.True);
        Assert.That(Results(verdict), Is.EqualTo(new[] { "tx_id ok", "header ok", "inclusion ok", "block_hash ok", "certificate ok" }));
    }

    private static IEnumerable<TestCaseData> Tampers()
    {
        yield return Case("tx_id", "a flipped envelope bit", r => r.Envelope = Flipped(r.Envelope, 4));
        yield return Case("tx_id", "a short transaction id", r => r.TxId = ByteString.CopyFrom(r.TxId.Span[..31]));
        yield return Case("header", "a header that is not protobuf", r => r.Header = ByteString.CopyFrom([0xff, 0xff]));
        yield return Case("header", "a header of another chain", r => r.Header = Edited(r.Header, h => h.ChainId = "other-chain"));
        yield return Case("header", "another claimed height", r => r.Height += 1);
        yield return Case("inclusion", "a flipped header bit (its tx count)", r => r.Header = Flipped(r.Header, r.Header.Length - 1));
        yield return Case("inclusion", "another tree size", r => r.TreeSize = 4);
        yield return Case("inclusion", "a position past the tree", r => { r.Position = 3; });
        yield return Case("inclusion", "a flipped proof node bit", r => r.Proof[1] = Flipped(r.Proof[1], 17));
        yield return Case("block_hash", "a changed header time", r => r.Header = Edited(r.Header, h => h.TimeUnixMs += 1));
        yield return Case("block_hash", "no certificate", r => r.Certificate = null);
        yield return Case("block_hash", "a certificate of another height", r => r.Certificate.Height += 1);
        yield return Case("certificate", "a flipped certificate signature bit", r => r.Certificate.Signatures[2].Signature = Flipped(r.Certificate.Signatures[2].Signature, 10));
        yield return Case("certificate", "signatures below the quorum", r =>
        {
            r.Certificate.Signatures.RemoveAt(3);
            r.Certificate.Signatures.RemoveAt(0);
        });
        yield return Case("certificate", "one validator signing twice", r =>
        {
            r.Certificate.Signatures.RemoveAt(3);
            r.Certificate.Signatures.Add(r.Certificate.Signatures[0].Clone());
        });
        yield return Case("certificate", "a validator that does not exist", r => r.Certificate.Signatures[3].ValidatorIndex = 9);
        yield return Case("certificate", "a certificate for another view", r => r.Certificate.View = 1);
    }

    [TestCaseSource(nameof(Tampers))]
    public void A_tampered_receipt_fails_at_the_check_the_node_names(string failedCheck, Action<Receipt> tamper)
    {
        var receipt = _receipt.Clone();
        tamper(receipt);

        var verdict = SameVerdict(receipt, _genesis);

        Assert.That(verdict["ok"]!.GetValue<bool>(), Is.False);
        Assert.That(Results(verdict), Does.Contain($"{failedCheck} FAILED"));
    }

    [Test]
    public void A_receipt_checked_against_the_genesis_of_another_chain_fails()
    {
        var otherChain = _genesis.Clone();
        otherChain.ChainId = "other-chain";
        var otherValidators = _genesis.Clone();
        foreach (var (validator, i) in otherValidators.Validators.Select((v, i) => (v, i)))
        {
            validator.PublicKey = ByteString.CopyFrom(_chain.Key(60 + i).PublicKey);
        }

        Assert.That(Results(SameVerdict(_receipt, otherChain)), Does.Contain("header FAILED"));
        Assert.That(Results(SameVerdict(_receipt, otherValidators)), Does.Contain("certificate FAILED"));
    }

    [Test]
    public void A_receipt_the_JSON_mapping_cannot_describe_fails_its_first_check()
    {
        var json = JsonNode.Parse(JsonFormatter.Default.Format(_receipt))!;
        json["envelope"] = "not base64!";

        var verdict = _tool.Result(new { op = "verify-receipt", receipt = json, genesis = Convert.ToHexStringLower(_genesis.ToByteArray()) });

        Assert.That(verdict["ok"]!.GetValue<bool>(), Is.False);
        Assert.That(Results(verdict), Is.EqualTo(new[] { "tx_id FAILED", "header not checked", "inclusion not checked", "block_hash not checked", "certificate not checked" }));
        Assert.That(verdict["checks"]![0]!["problem"]!.GetValue<string>(), Does.StartWith("The receipt is not well-formed"));
    }

    /// <summary>The library's verdict, asserted equal to the node's check by check (result and problem sentence).</summary>
    private JsonNode SameVerdict(Receipt receipt, GenesisMessage genesis)
    {
        var verdict = _tool.Result(new
        {
            op = "verify-receipt",
            receipt = JsonNode.Parse(JsonFormatter.Default.Format(receipt)),
            genesis = Convert.ToHexStringLower(genesis.ToByteArray()),
        });
        var node = ReceiptChecks.Run(receipt, new ReceiptVerifier(ValidatorSet.From(genesis), genesis.ChainId));
        var library = verdict["checks"]!.AsArray().Select(c => new ReceiptCheck(c!["name"]!.GetValue<string>(),
            c["description"]!.GetValue<string>(), c["result"]!.GetValue<string>(), c["problem"]?.GetValue<string>()));
        Assert.That(library, Is.EqualTo(node));
        return verdict;
    }

    private static string[] Results(JsonNode verdict) =>
        [.. verdict["checks"]!.AsArray().Select(c => $"{c!["name"]} {c["result"]}")];

    private static TestCaseData Case(string failedCheck, string name, Action<Receipt> tamper) =>
        new TestCaseData(failedCheck, tamper) { TestName = $"A receipt with {name} fails its {failedCheck} check" };

    private static CommitSignature Signature(Receipt receipt, Ed25519KeyPair key, uint index) => new()
    {
        ValidatorIndex = index,
        Signature = ByteString.CopyFrom(key.Sign(MessageSigning.Bytes(SignStep.Commit, ApiChain.ChainId, receipt.Height,
            receipt.Certificate.View, receipt.Certificate.BlockHash.Span))),
    };

    private static ByteString Edited(ByteString header, Action<BlockHeader> edit)
    {
        var parsed = BlockHeader.Parser.ParseFrom(header);
        edit(parsed);
        return parsed.ToByteString();
    }

    private static ByteString Flipped(ByteString bytes, int index)
    {
        var copy = bytes.ToByteArray();
        copy[index] ^= 0x01;
        return ByteString.CopyFrom(copy);
    }
}
