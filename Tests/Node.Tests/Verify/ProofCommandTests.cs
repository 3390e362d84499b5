using System.Text.Json.Nodes;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Node.Cli;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Verify;

/// <summary>
/// <c>votechain receipt</c> and <c>votechain tally --prove / --check</c> against a real in-process node (chain on disk,
/// gRPC API), checked with a genesis file naming its one validator: what each proves, a proof tampered with (exit 1,
/// one line), a proof checked against other validators, and options that do not go together (exit 2).
/// </summary>
public sealed class ProofCommandTests
{
    private const string Revoting = "revoting";

    private TempFolder _temp = null!;
    private ApiChain _chain = null!;
    private ApiHost _host = null!;
    private string _genesis = "";

    [SetUp]
    public async Task StartNode()
    {
        _temp = new TempFolder();
        _chain = new ApiChain(_temp.File("chain"));
        _host = await ApiHost.StartAsync(new ApiService(_chain.Store, _chain.Mempool, _chain.Events, new StoreStatusSource(_chain.Store), (_, _) => { }));
        _genesis = Genesis("genesis.json", _chain.Validator.PublicKey);
        _chain.Commit(_chain.CreateElection(Revoting, allowRevote: true));
        _chain.Commit(_chain.Register(Revoting, _chain.Voter(1), _chain.Voter(2)));
    }

    [TearDown]
    public async Task StopNode()
    {
        await _host.DisposeAsync();
        _chain.Dispose();
        _temp.Dispose();
    }

    [Test]
    public void A_receipt_proves_whether_the_vote_counts_was_replaced_or_was_revoked()
    {
        var first = ApiChain.Vote(Revoting, _chain.Voter(1), 0, sequence: 1);
        var revoked = ApiChain.Vote(Revoting, _chain.Voter(2), 1);
        _chain.Commit(first, revoked);
        var counted = Cli("receipt", "--tx", Hex(first), "--genesis", _genesis);
        var revote = ApiChain.Vote(Revoting, _chain.Voter(1), 2, sequence: 2);
        var revoteHeight = _chain.Commit(revote).Height;
        _chain.Commit(_chain.Revoke(Revoting, _chain.Voter(2)));

        var replaced = JsonNode.Parse(Cli("receipt", "--tx", Hex(first), "--genesis", _genesis, "--json").Output)!;
        var revokedText = Cli("receipt", "--tx", Hex(revoked), "--genesis", _genesis).Output;

        Assert.That(counted.Output, Does.Contain("counted now   yes: it is the vote counted for its credential")
            .And.Contain($"(proven at height {revoteHeight - 1} against its certified header, from the genesis validators alone"));
        Assert.Multiple(() =>
        {
            Assert.That(replaced["verified"]!.GetValue<bool>(), Is.True);
            Assert.That(replaced["counted_now"]!.GetValue<bool>(), Is.False);
            Assert.That(replaced["counted_now_proven"]!.GetValue<bool>(), Is.True);
            Assert.That(replaced["replaced_by_tx_id"]!.GetValue<string>(), Is.EqualTo(Hex(revote)));
            Assert.That(replaced["replaced_at_height"]!.GetValue<ulong>(), Is.EqualTo(revoteHeight));
            Assert.That(replaced["counted_now_source"]!.GetValue<string>(), Does.StartWith($"proven against the certified header at height {_chain.Store.Height}"));
        });
        Assert.That(revokedText, Does.Contain("counted now   no: the credential was revoked, so its vote no longer counts"));
    }

    [Test]
    public void A_saved_receipt_with_a_tampered_ballot_fails_in_one_line_and_one_without_a_proven_standing_is_the_nodes_word()
    {
        var vote = ApiChain.Vote(Revoting, _chain.Voter(1), 0);
        _chain.Commit(vote);
        var saved = _temp.File("vote.receipt");
        Assert.That(Cli("receipt", "--tx", Hex(vote), "--genesis", _genesis, "--save", saved).ExitCode, Is.Zero);
        var receipt = Receipt.Parser.ParseFrom(File.ReadAllBytes(saved));

        var tampered = receipt.Clone();
        var ballot = BallotRecord.Parser.ParseFrom(tampered.ProvenStanding.Ballot.Record);
        ballot.Option = 2;
        tampered.ProvenStanding.Ballot.Record = ballot.ToByteString();
        var bad = Offline(tampered, "tampered.receipt");

        Assert.That(bad.SingleErrorLine(), Is.EqualTo(
            "error: receipt standing proof FAILED: The proof of the ballot record fails: The record is not the one the proof holds: its hash differs."));
        Assert.That(bad.Output, Does.Contain("verified: the transaction is committed").And.Contain("counted now   FAILED: "));

        receipt.ProvenStanding = null;
        var old = Offline(receipt, "old.receipt");
        Assert.That(old.ExitCode, Is.Zero, old.ToString());
        Assert.That(old.Output, Does.Contain("counted now   yes").And.Contain("(only the node's word at height "));
    }

    [Test]
    public void A_tally_is_proven_saved_and_checked_offline_with_the_genesis_file_alone()
    {
        _chain.Commit(ApiChain.Vote(Revoting, _chain.Voter(1), 2), ApiChain.Vote(Revoting, _chain.Voter(2), 2));
        var saved = _temp.File("tally.proof");

        var proven = Cli("tally", "--election", Revoting, "--prove", "--genesis", _genesis, "--out", saved);
        var offline = CliRun.Of("tally", "--check", saved, "--genesis", _genesis, "--json");

        Assert.That(proven.ExitCode, Is.Zero, proven.ToString());
        Assert.That(proven.Output, Does.Contain($"proven:  at height {_chain.Store.Height} (block ")
            .And.Contain("1 commit signatures), against the genesis file alone"));
        Assert.That(offline.ExitCode, Is.Zero, offline.ToString());
        var json = JsonNode.Parse(offline.Output)!;
        Assert.Multiple(() =>
        {
            Assert.That(json["proven"]!.GetValue<bool>(), Is.True);
            Assert.That(json["height"]!.GetValue<ulong>(), Is.EqualTo(_chain.Store.Height));
            Assert.That(json["options"]!.AsArray().Select(o => (o!["name"]!.GetValue<string>(), o["weight"]!.GetValue<ulong>())),
                Is.EqualTo(new[] { ("option 0", 0UL), ("option 1", 0UL), ("option 2", 2UL) }));
        });
    }

    [Test]
    public void A_tampered_proof_another_elections_proof_and_other_validators_fail_in_one_line()
    {
        var saved = _temp.File("tally.proof");
        Assert.That(Cli("tally", "--election", Revoting, "--prove", "--genesis", _genesis, "--out", saved).ExitCode, Is.Zero);
        var proof = TallyProof.Parser.ParseFrom(File.ReadAllBytes(saved));
        var tally = TallyRecord.Parser.ParseFrom(proof.Tally.Record);
        tally.CountedWeight++;
        proof.Tally.Record = tally.ToByteString();
        var tampered = _temp.File("tampered.proof");
        File.WriteAllBytes(tampered, proof.ToByteArray());
        using var stranger = Ed25519KeyPair.Generate();
        var strangers = Genesis("strangers.json", stranger.PublicKey);

        Assert.That(CliRun.Of("tally", "--check", tampered, "--genesis", _genesis).SingleErrorLine(), Is.EqualTo(
            "error: tally proof FAILED: The proof of the tally record fails: The record is not the one the proof holds: its hash differs."));
        Assert.That(CliRun.Of("tally", "--check", saved, "--genesis", _genesis, "--election", "club").SingleErrorLine(),
            Is.EqualTo($"error: {saved} is a proof of another election, not 'club'"));
        Assert.That(CliRun.Of("tally", "--check", saved, "--genesis", strangers).SingleErrorLine(),
            Does.StartWith("error: tally proof FAILED: The proven block header's commit certificate does not verify: "));
        Assert.That(Cli("tally", "--election", Revoting, "--prove", "--genesis", strangers).SingleErrorLine(),
            Does.StartWith("error: tally proof FAILED: The proven block header's commit certificate does not verify: "));
    }

    [TestCase("--check", "x.proof", "--prove", "--genesis", "g.json")]
    [TestCase("--check", "x.proof", "--out", "y.proof", "--genesis", "g.json")]
    [TestCase("--check", "x.proof")]
    [TestCase("--election", "e", "--prove")]
    [TestCase("--election", "e", "--prove", "--watch", "--genesis", "g.json")]
    [TestCase("--election", "e", "--out", "y.proof")]
    [TestCase("--prove", "--genesis", "g.json")]
    [TestCase("--json")]
    public void Options_that_do_not_go_together_are_a_usage_error(params string[] options)
    {
        var run = CliRun.Of(["tally", .. options]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), run.Error);
    }

    private CliRun Cli(params string[] args) => CliRun.Of([.. args, "--node", _host.Address]);

    /// <summary><c>votechain receipt --file</c> of <paramref name="receipt"/> saved as <paramref name="name"/>, with no node.</summary>
    private CliRun Offline(Receipt receipt, string name)
    {
        var path = _temp.File(name);
        File.WriteAllBytes(path, receipt.ToByteArray());
        return CliRun.Of("receipt", "--file", path, "--genesis", _genesis);
    }

    private string Genesis(string name, byte[] validator)
    {
        var path = _temp.File(name);
        GenesisFile.CreateNew(path, new Protos.V1.Genesis
        {
            ChainId = ApiChain.ChainId,
            Validators = { new ValidatorInfo { Name = "v0", PublicKey = ByteString.CopyFrom(validator), Endpoint = "http://127.0.0.1:7100" } },
        });
        return path;
    }

    private static string Hex(byte[] envelope) => Convert.ToHexStringLower(Hashing.Sha256(envelope));
}
