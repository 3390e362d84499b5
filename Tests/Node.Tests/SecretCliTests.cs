using System.Text.Json.Nodes;
using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Secret;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Node.Cli;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests;

/// <summary>
/// The CLI against a real in-process node (chain on disk, gRPC API). The rules for key generation and decryption
/// are built elsewhere, so their records are written into the chain's state the way those rules would, with keys,
/// ballots and shares from the real core (<see cref="SecretElectionFixture"/>).
/// </summary>
public sealed class SecretCliTests
{
    private const string Secret = "ballot";
    private const ulong Weight = 3;

    private TempFolder _temp = null!;
    private ApiChain _chain = null!;
    private ApiHost _host = null!;
    private string _voterKey = "";
    private readonly List<byte[]> _accepted = [];

    [SetUp]
    public async Task StartNode()
    {
        _temp = new TempFolder();
        _chain = new ApiChain(_temp.File("chain"));
        _host = await ApiHost.StartAsync(new ApiService(_chain.Store, _chain.Mempool, _chain.Events, new StoreStatusSource(_chain.Store),
            (envelope, _) => _accepted.Add(envelope)));
        var settings = new SecretBallotSettings { Threshold = 2, KeyPhaseSeconds = 60 };
        settings.Trustees.AddRange(Enumerable.Range(0, 3).Select(i => ByteString.CopyFrom(_chain.Key(50 + i).PublicKey)));
        var create = new CreateElection
        {
            ElectionId = Secret,
            Title = "Secret",
            OpensAtUnixMs = ApiChain.Start,
            ClosesAtUnixMs = ApiChain.Start + 3_600_000,
            Secret = settings,
            Options = { "yes", "no", "maybe" },
        };
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload { CreateElection = create }));
        var register = new RegisterVoters { ElectionId = Secret, Voters = { new VoterEntry { Credential = ByteString.CopyFrom(_chain.Voter(1).PublicKey), Weight = Weight } } };
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload { RegisterVoters = register }));
        _voterKey = _temp.File("voter.json");
        KeyFile.Save(_voterKey, _chain.Voter(1));
    }

    [TearDown]
    public async Task StopNode()
    {
        await _host.DisposeAsync();
        _chain.Dispose();
        _temp.Dispose();
    }

    private SecretElectionFixture FinishKeyGeneration(string id = Secret, uint min = 1, uint max = 1)
    {
        var fixture = new SecretElectionFixture(ApiChain.ChainId, id, trustees: 3, threshold: 2, options: 3, minChoices: min, maxChoices: max);
        Write(fixture.Secret, null, id);
        return fixture;
    }

    private void Write(SecretRecord secret, TallyRecord? tally, string id = Secret)
    {
        List<StateChange> changes = [new(StateColumn.Secrets, StateKeys.Secret(id), secret.ToByteArray())];
        if (tally is not null)
        {
            changes.Add(new(StateColumn.Tallies, StateKeys.Tally(id), tally.ToByteArray()));
        }

        _chain.Commit(changes);
    }

    /// <summary>A second secret election with the same trustees and voter: an approval ballot marking 0 to 2 options.</summary>
    private SecretElectionFixture ApprovalElection()
    {
        var create = new CreateElection
        {
            ElectionId = "approval",
            Title = "Approval",
            OpensAtUnixMs = ApiChain.Start,
            ClosesAtUnixMs = ApiChain.Start + 3_600_000,
            Secret = new SecretBallotSettings
            {
                Threshold = 2,
                KeyPhaseSeconds = 60,
                MinChoices = 0,
                MaxChoices = 2,
                Trustees = { Enumerable.Range(0, 3).Select(i => ByteString.CopyFrom(_chain.Key(50 + i).PublicKey)) },
            },
            Options = { "red", "green", "blue" },
        };
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload { CreateElection = create }));
        var register = new RegisterVoters { ElectionId = "approval", Voters = { new VoterEntry { Credential = ByteString.CopyFrom(_chain.Voter(1).PublicKey), Weight = Weight } } };
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload { RegisterVoters = register }));
        return FinishKeyGeneration("approval", 0, 2);
    }

    private CliRun Cli(params string[] args) => CliRun.Of([.. args, "--node", _host.Address]);

    private CliRun Audit(params string[] options) =>
        Cli(["vote", "--key", _voterKey, "--election", Secret, .. options.SelectMany(o => new[] { "--option", o }), "--audit-ballot", "--json"]);

    [Test]
    public void A_vote_before_the_key_is_final_is_refused_in_one_line()
    {
        var run = Audit("yes");

        Assert.That(run.SingleErrorLine(), Does.Contain("KEY_NOT_READY").And.Contain("dealing"));
    }

    [Test]
    public void An_audited_ballot_opens_to_the_choice_checks_against_the_chain_and_is_not_submitted()
    {
        var fixture = FinishKeyGeneration();

        var run = Audit("no");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var audit = JsonOutput.Read<BallotAudit>(run.Output)!;
        Assert.That(JsonNode.Parse(run.Output)!["cast"]!.GetValue<bool>(), Is.False);
        Assert.That(audit.Weight, Is.EqualTo(Weight));
        Assert.That(audit.JointKey, Is.EqualTo(fixture.JointKey.ToString()));
        Assert.That(audit.Options.Select(o => (o.Chosen, o.Value)), Is.EqualTo(new[] { (false, 0UL), (true, Weight), (false, 0UL) }));
        Assert.That(audit.Problems(fixture.JointKey), Is.Empty);
        Assert.That(_chain.Mempool.Count, Is.Zero, "an audited ballot is never submitted");

        var file = _temp.File("audit.json");
        File.WriteAllText(file, run.Output);
        var check = Cli("ballot", "check", "--file", file);
        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Success), check.ToString());
        Assert.That(check.Output, Does.Contain("option 1 'no': marked, encrypts 3").And.Contain("verified"));
    }

    [Test]
    public void A_tampered_audit_is_refused()
    {
        var fixture = FinishKeyGeneration();
        var audit = JsonOutput.Read<BallotAudit>(Audit("yes").Output)!;
        var file = _temp.File("tampered.json");

        // The client claims "yes" was encrypted while showing "no" as marked: the openings contradict the claim.
        var swapped = audit with
        {
            Options = [audit.Options[0] with { Chosen = false, Value = 0 }, audit.Options[1] with { Chosen = true, Value = Weight }, audit.Options[2]],
        };
        // Randomness of another option: the ciphertext no longer opens.
        var otherRandomness = audit with { Options = [audit.Options[0] with { Randomness = audit.Options[1].Randomness }, .. audit.Options.Skip(1)] };
        // Another key than the chain's: the ballot was made for someone else's decryption.
        var otherKey = audit with { JointKey = GroupElement.MultiplyBase(Scalar.FromUInt64(7)).ToString() };

        foreach (var (tampered, expected) in new[] { (swapped, "option 0 ('yes') does not encrypt 0"), (otherRandomness, "option 0 ('yes') does not encrypt 3"), (otherKey, "not the election's joint key") })
        {
            File.WriteAllText(file, ToJson(tampered));
            var check = Cli("ballot", "check", "--file", file);
            Assert.That(check.SingleErrorLine(), Does.Contain("ballot audit FAILED").And.Contain(expected));
        }

        // Offline, with the key given: the untampered audit passes.
        File.WriteAllText(file, ToJson(audit));
        Assert.That(CliRun.Of("ballot", "check", "--file", file, "--joint-key", fixture.JointKey.ToString()).ExitCode, Is.EqualTo(ExitCodes.Success));
    }

    [Test]
    public void One_of_k_takes_one_option_and_an_unknown_option_is_named()
    {
        FinishKeyGeneration();

        Assert.That(Audit("yes,no").SingleErrorLine(), Does.Contain("takes exactly 1 option(s) per ballot; 2 given"));
        Assert.That(Audit("never").SingleErrorLine(), Does.Contain("has no option 'never'"));
    }

    [Test]
    public void An_approval_ballot_takes_a_comma_list_repeated_options_or_blank_within_its_bounds()
    {
        var fixture = ApprovalElection();
        CliRun Approval(params string[] marks) =>
            Cli(["vote", "--key", _voterKey, "--election", "approval", .. marks, "--audit-ballot", "--json"]);
        bool[] Marked(CliRun run)
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
            var audit = JsonOutput.Read<BallotAudit>(run.Output)!;
            Assert.That(audit.Problems(fixture.JointKey), Is.Empty);
            return [.. audit.Options.Select(o => o.Chosen)];
        }

        Assert.That(Marked(Approval("--option", "red,blue")), Is.EqualTo(new[] { true, false, true }));
        Assert.That(Marked(Approval("--option", "green", "--option", "2")), Is.EqualTo(new[] { false, true, true }));
        Assert.That(Marked(Approval("--blank")), Is.EqualTo(new[] { false, false, false }));
        Assert.That(Approval("--option", "red,green,blue").SingleErrorLine(), Does.Contain("takes 0 to 2 options per ballot; 3 given"));
        Assert.That(Approval("--option", "red,0").SingleErrorLine(), Does.Contain("option '0' is given twice"));
    }

    [Test]
    public void Election_show_reports_the_key_generation_and_decryption()
    {
        var fixture = FinishKeyGeneration();

        var json = JsonNode.Parse(Cli("election", "show", "--id", Secret, "--json").Output)!;
        var text = Cli("election", "show", "--id", Secret).Output;

        Assert.That(json["ballot_mode"]!.GetValue<string>(), Is.EqualTo("secret"));
        Assert.That(json["secret"]!["threshold"]!.GetValue<uint>(), Is.EqualTo(2));
        Assert.That(json["secret"]!["trustees"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(json["secret"]!["key_generation"]!["phase"]!.GetValue<string>(), Is.EqualTo("final"));
        Assert.That(json["secret"]!["key_generation"]!["joint_key"]!.GetValue<string>(), Is.EqualTo(fixture.JointKey.ToString()));
        Assert.That(json["secret"]!["decryption"]!["shares_needed"]!.GetValue<uint>(), Is.EqualTo(2));
        Assert.That(text, Does.Contain("ballot:       secret (encrypted votes; 2 of 3 trustees decrypt the tally)"));
        Assert.That(text, Does.Contain("final: votes are accepted"));
        Assert.That(text, Does.Contain("result not published"));
    }

    [Test]
    public void An_open_election_shows_its_ballot_mode()
    {
        _chain.Commit(_chain.CreateElection("open"));

        var json = JsonNode.Parse(Cli("election", "show", "--id", "open", "--json").Output)!;

        Assert.That(json["ballot_mode"]!.GetValue<string>(), Is.EqualTo("open"));
        Assert.That(json["secret"], Is.Null);
    }

    [Test]
    public void The_tally_shows_turnout_only_until_the_result_then_verifies_it()
    {
        var fixture = FinishKeyGeneration();
        fixture.Cast(Weight, 1);
        fixture.Cast(2, 0);
        Write(fixture.Secret, fixture.Tally);

        var before = JsonNode.Parse(Cli("tally", "--election", Secret, "--json").Output)!;
        var beforeText = Cli("tally", "--election", Secret).Output;

        Assert.That(before["secret"]!.GetValue<bool>(), Is.True);
        Assert.That(before["result_published"]!.GetValue<bool>(), Is.False);
        Assert.That(before["result_verified"], Is.Null);
        Assert.That(before["options"]!.AsArray().Select(o => o!["weight"]), Is.All.Null);
        Assert.That(before["counted_weight"]!.GetValue<ulong>(), Is.EqualTo(Weight + 2));
        Assert.That(beforeText, Does.Contain("Encrypted: turnout only until the trustees publish the result"));

        // Trustee 1 stays away: 2 of 3 shares decrypt.
        fixture.Publish([2, 3]);
        Write(fixture.Secret, fixture.Tally);
        var after = JsonNode.Parse(Cli("tally", "--election", Secret, "--json").Output)!;

        Assert.That(after["result_published"]!.GetValue<bool>(), Is.True);
        Assert.That(after["result_verified"]!.GetValue<bool>(), Is.True);
        Assert.That(after["options"]!.AsArray().Select(o => o!["weight"]!.GetValue<ulong>()), Is.EqualTo(new ulong[] { 2, Weight, 0 }));
    }

    [Test]
    public void A_proven_tally_covers_the_encrypted_sums_then_the_published_result()
    {
        var genesis = _temp.File("genesis.json");
        GenesisFile.CreateNew(genesis, new Protos.V1.Genesis
        {
            ChainId = ApiChain.ChainId,
            Validators = { new ValidatorInfo { Name = "v0", PublicKey = ByteString.CopyFrom(_chain.Validator.PublicKey), Endpoint = "http://127.0.0.1:7100" } },
        });
        var fixture = FinishKeyGeneration();
        fixture.Cast(Weight, 1);
        fixture.Cast(2, 0);
        Write(fixture.Secret, fixture.Tally);

        var before = JsonNode.Parse(Cli("tally", "--election", Secret, "--prove", "--genesis", genesis, "--json").Output)!;
        fixture.Publish([2, 3]);
        Write(fixture.Secret, fixture.Tally);
        var after = Cli("tally", "--election", Secret, "--prove", "--genesis", genesis, "--json");
        var afterText = Cli("tally", "--election", Secret, "--prove", "--genesis", genesis).Output;

        Assert.That((before["proven"]!.GetValue<bool>(), before["result_published"]!.GetValue<bool>(), before["counted_weight"]!.GetValue<ulong>()),
            Is.EqualTo((true, false, Weight + 2)));
        Assert.That(before["options"]!.AsArray().Select(o => o!["weight"]), Is.All.Null);
        Assert.That(after.ExitCode, Is.Zero, after.ToString());
        var json = JsonNode.Parse(after.Output)!;
        Assert.That((json["proven"]!.GetValue<bool>(), json["result_published"]!.GetValue<bool>()), Is.EqualTo((true, true)));
        Assert.That(json["result_verified"], Is.Null, "this client did not re-check the decryption: the replicas did");
        Assert.That(json["options"]!.AsArray().Select(o => o!["weight"]!.GetValue<ulong>()), Is.EqualTo(new ulong[] { 2, Weight, 0 }));
        Assert.That(afterText, Does.Contain("the proof shows the chain holds it"));
    }

    [Test]
    public void A_published_result_that_the_shares_do_not_give_is_shown_unverified()
    {
        var fixture = FinishKeyGeneration();
        fixture.Cast(Weight, 1);
        fixture.Publish([1, 2], [Weight, 0, 0]);
        Write(fixture.Secret, fixture.Tally);

        var json = JsonNode.Parse(Cli("tally", "--election", Secret, "--json").Output)!;
        var text = Cli("tally", "--election", Secret).Output;

        Assert.That(json["result_published"]!.GetValue<bool>(), Is.True);
        Assert.That(json["result_verified"]!.GetValue<bool>(), Is.False);
        Assert.That(text, Does.Contain("NOT verified").And.Contain("option 0").IgnoreCase);
    }

    [Test]
    public void The_tally_of_an_open_election_keeps_its_fields()
    {
        _chain.Commit(_chain.CreateElection());
        var open = JsonNode.Parse(Cli("tally", "--election", ApiChain.Election, "--json").Output)!;

        Assert.That(open["secret"]!.GetValue<bool>(), Is.False);
        Assert.That(open["result_published"], Is.Null);
        Assert.That(open["options"]!.AsArray().Select(o => o!["weight"]!.GetValue<ulong>()), Is.EqualTo(new ulong[] { 0, 0, 0 }));
        Assert.That(open["turnout_percent"], Is.Not.Null);
    }

    [Test]
    public async Task A_cast_encrypted_vote_commits_counts_and_its_receipt_matches()
    {
        FinishKeyGeneration();

        var run = Cli("vote", "--key", _voterKey, "--election", Secret, "--option", "no", "--json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var txId = Convert.FromHexString(JsonNode.Parse(run.Output)!["tx_id"]!.GetValue<string>());
        _chain.Commit(_accepted.Single());

        var receipt = await _host.Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(txId) });
        var verdict = ReceiptStanding.Judge(receipt);
        var tally = JsonNode.Parse(Cli("tally", "--election", Secret, "--json").Output)!;
        var again = Cli("vote", "--key", _voterKey, "--election", Secret, "--option", "yes");

        Assert.That((verdict.CountedNow, verdict.CiphertextsMatch), Is.EqualTo(((bool?)true, (bool?)true)), verdict.Sentence);
        Assert.That(tally["counted_ballots"]!.GetValue<ulong>(), Is.EqualTo(1));
        Assert.That(tally["counted_weight"]!.GetValue<ulong>(), Is.EqualTo(Weight));
        Assert.That(tally["options"]!.AsArray().Select(o => o!["weight"]), Is.All.Null);
        Assert.That(again.SingleErrorLine(), Does.Contain("ALREADY_VOTED"));
    }

    private static string ToJson(BallotAudit audit)
    {
        using var writer = new StringWriter();
        JsonOutput.Write(writer, audit);
        return writer.ToString();
    }
}
