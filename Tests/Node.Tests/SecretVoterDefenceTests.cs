using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Secret;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Node.Cli;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests;

/// <summary>
/// The voter's side against a node that lies: a joint key the deals do not give, a whole forged transcript (caught
/// only by a pinned key), answers that contradict themselves; and the prepare-then-decide Benaloh challenge, whose
/// file is used once, for a cast or for an audit. A real chain and API sit behind an interceptor that rewrites answers.
/// </summary>
public sealed class SecretVoterDefenceTests
{
    private const string Secret = "ballot";
    private const ulong Weight = 3;

    private readonly List<byte[]> _accepted = [];
    private readonly LyingNode _liar = new();
    private TempFolder _temp = null!;
    private ApiChain _chain = null!;
    private ApiHost _host = null!;
    private string _voterKey = "";

    [SetUp]
    public async Task StartNode()
    {
        // NUnit shares one instance between tests: every test starts with an honest node and nothing submitted.
        _liar.Secret = null;
        _accepted.Clear();
        _temp = new TempFolder();
        _chain = new ApiChain(_temp.File("chain"));
        _host = await ApiHost.StartAsync(new ApiService(_chain.Store, _chain.Mempool, _chain.Events, new StoreStatusSource(_chain.Store),
            (envelope, _) => _accepted.Add(envelope)), _liar);
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

    /// <summary>Writes a finished key generation into the chain's state: the node's records, honest or forged.</summary>
    private SecretElectionFixture KeyGeneration(TallyRecord? tally = null, SecretElectionFixture? fixture = null)
    {
        fixture ??= new SecretElectionFixture(ApiChain.ChainId, Secret, trustees: 3, threshold: 2, options: 3);
        List<StateChange> changes = [new(StateColumn.Secrets, StateKeys.Secret(Secret), fixture.Secret.ToByteArray())];
        if (tally is not null)
        {
            changes.Add(new(StateColumn.Tallies, StateKeys.Tally(Secret), tally.ToByteArray()));
        }

        _chain.Commit(changes);
        return fixture;
    }

    private CliRun Cli(params string[] args) => CliRun.Of([.. args, "--node", _host.Address]);

    private CliRun Vote(params string[] args) => Cli(["vote", "--key", _voterKey, "--election", Secret, .. args]);

    private static string Fingerprint(IEnumerable<ByteString> ciphertexts) =>
        Convert.ToHexStringLower(SHA256.HashData(ciphertexts.SelectMany(c => c.ToByteArray()).ToArray()));

    [Test]
    public void A_node_handing_out_a_key_its_deals_do_not_give_is_refused_before_anything_is_encrypted()
    {
        KeyGeneration();
        // The node knows the secret 7 of this key: it could read every ballot encrypted under it.
        var known = GroupElement.MultiplyBase(Scalar.FromUInt64(7));
        _liar.Secret = r => r.JointKey = ByteString.CopyFrom(known.ToArray());

        var vote = Vote("--option", "no");
        var audit = Vote("--option", "no", "--audit-ballot");

        Assert.That(vote.SingleErrorLine(), Does.Contain("JOINT_KEY_MISMATCH").And.Contain(known.ToString()));
        Assert.That(audit.SingleErrorLine(), Does.Contain("JOINT_KEY_MISMATCH"));
        Assert.That(_accepted, Is.Empty, "nothing is submitted under a key the deals do not give");
    }

    [Test]
    public void A_node_repeating_its_own_deal_to_make_the_threshold_is_refused()
    {
        // One dealer's deal three times over: "qualified" by count, and the joint key is 3 a_0 G, which that dealer (the
        // node's own trustee) can open alone. The chain never stores two deals of one dealer; a node can still say so.
        var fixture = KeyGeneration();
        var own = fixture.Secret.Deals[0];
        var known = GroupElement.Identity;
        Assert.That(GroupElement.TryParse(own.Commitments[0].Span, out var constant), Is.True);
        for (var i = 0; i < 3; i++)
        {
            known = known.Add(constant);
        }

        _liar.Secret = r =>
        {
            r.Secret.Deals.Clear();
            r.Secret.Deals.Add(new[] { own, own, own });
            r.JointKey = ByteString.CopyFrom(known.ToArray());
        };

        var vote = Vote("--option", "no");
        Assert.That(vote.SingleErrorLine(), Does.Contain("JOINT_KEY_MISMATCH").And.Contain($"dealer {own.Dealer} more than once"));
        Assert.That(_accepted, Is.Empty);
    }

    [Test]
    public void A_node_forging_the_whole_transcript_is_caught_by_the_pinned_key_only()
    {
        // The published key is the honest trustees'; the node serves deals of its own making, consistent with its key.
        var honest = new SecretElectionFixture(ApiChain.ChainId, Secret, trustees: 3, threshold: 2, options: 3);
        var forged = KeyGeneration();

        var pinned = Vote("--option", "no", "--joint-key", honest.JointKey.ToString());
        Assert.That(pinned.SingleErrorLine(), Does.Contain("JOINT_KEY_MISMATCH").And.Contain(forged.JointKey.ToString())
            .And.Contain("not the pinned --joint-key " + honest.JointKey));
        Assert.That(_accepted, Is.Empty, "a mismatch submits nothing");

        // Unpinned, the forged transcript passes the recomputation: the voter trusted the node (said in --help).
        var unpinned = Vote("--option", "no", "--json");
        Assert.That(unpinned.ExitCode, Is.EqualTo(ExitCodes.Success), unpinned.ToString());
        Assert.That(_accepted, Has.Count.EqualTo(1));

        // Pinned to the key the node really has, the vote goes through.
        _accepted.Clear();
        Assert.That(Vote("--option", "yes", "--joint-key", forged.JointKey.ToString(), "--audit-ballot").ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(Vote("--option", "no", "--joint-key", "00").SingleErrorLine(), Does.Contain("--joint-key"));
    }

    [Test]
    public void The_choice_and_who_can_decrypt_are_printed_before_the_vote_is_sent()
    {
        KeyGeneration();

        var text = Vote("--option", "maybe");

        Assert.That(text.ExitCode, Is.EqualTo(ExitCodes.Success), text.ToString());
        var lines = text.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("voting in election 'ballot': option 2 'maybe'"));
        Assert.That(lines[1], Is.EqualTo("trustees: 3 named, 2 needed to decrypt"));
        Assert.That(lines[2], Does.Match("^fingerprint: [0-9a-f]{64}$"));
        Assert.That(lines[3], Does.Match("^[0-9a-f]{64}$"), "the tx id follows");
    }

    [Test]
    public void The_json_of_a_vote_names_the_option_who_can_decrypt_and_the_fingerprint()
    {
        KeyGeneration();

        var run = Vote("--option", "1", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var json = JsonNode.Parse(run.Output)!;
        Assert.That((json["option"]!.GetValue<string>(), json["option_index"]!.GetValue<uint>()), Is.EqualTo(("no", 1u)));
        Assert.That((json["trustees"]!.GetValue<uint>(), json["threshold"]!.GetValue<uint>()), Is.EqualTo((3u, 2u)));
        Assert.That(json["fingerprint"]!.GetValue<string>(), Does.Match("^[0-9a-f]{64}$"));
    }

    [Test]
    public void Election_show_says_who_can_decrypt_and_how_to_cross_check_the_key()
    {
        KeyGeneration();

        var text = Cli("election", "show", "--id", Secret).Output;

        Assert.That(text, Does.Contain("trustees: 3 named, 2 needed to decrypt"));
        Assert.That(text, Does.Contain("election show --node OTHER").And.Contain("vote --joint-key"));
    }

    [Test]
    public async Task A_prepared_ballot_is_cast_exactly_as_prepared_and_only_once()
    {
        KeyGeneration();
        var file = _temp.File("ballot.json");

        var prepared = Vote("--option", "no", "--prepare", file);

        Assert.That(prepared.ExitCode, Is.EqualTo(ExitCodes.Success), prepared.ToString());
        Assert.That(_accepted, Is.Empty, "preparing submits nothing");
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "the randomness is private");
        }

        var fingerprint = prepared.Output.Split('\n').Single(l => l.StartsWith("fingerprint: ", StringComparison.Ordinal))["fingerprint: ".Length..];
        var randomness = JsonNode.Parse(File.ReadAllText(file))!["ballot"]!["options"]![1]!["randomness"]!.GetValue<string>();
        Assert.That(randomness, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(prepared.Output, Does.Not.Contain(randomness), "preparing never prints the randomness");
        Assert.That(Vote("--option", "yes", "--prepare", file).SingleErrorLine(), Does.Contain("already exists"));

        var cast = Cli("vote", "--cast", file, "--key", _voterKey);

        Assert.That(cast.ExitCode, Is.EqualTo(ExitCodes.Success), cast.ToString());
        Assert.That(cast.Output, Does.Contain("voting in election 'ballot': option 1 'no'").And.Contain($"fingerprint: {fingerprint}"));
        Assert.That(cast.Output, Does.Not.Contain(randomness), "casting never prints the randomness");
        _chain.Commit(_accepted.Single());
        var counted = await _host.Client.GetVoterAsync(new GetVoterRequest { ElectionId = Secret, Credential = ByteString.CopyFrom(_chain.Voter(1).PublicKey) });
        Assert.That(Fingerprint(counted.Ballot.Ciphertexts), Is.EqualTo(fingerprint), "the cast ballot is the prepared one");
        var after = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.That(after["state"]!.GetValue<string>(), Is.EqualTo("cast"));
        Assert.That(File.ReadAllText(file), Does.Not.Contain(randomness), "a cast ballot's randomness is erased: the file proves nothing to a coercer");

        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey).SingleErrorLine(), Does.Contain("ALREADY_CAST"));
        Assert.That(CliRun.Of("vote", "--audit-ballot", "--prepared", file).SingleErrorLine(), Does.Contain("ALREADY_CAST").And.Contain("reveal the vote"));
        Assert.That(_accepted, Has.Count.EqualTo(1));
    }

    [Test]
    public void An_audited_prepared_ballot_opens_to_the_choice_and_can_never_be_cast()
    {
        var fixture = KeyGeneration();
        var file = _temp.File("ballot.json");
        var prepared = JsonNode.Parse(Vote("--option", "maybe", "--prepare", file, "--json").Output)!;
        Assert.That(prepared["fingerprint"]!.GetValue<string>(), Does.Match("^[0-9a-f]{64}$"));
        Assert.That(prepared.ToJsonString(), Does.Not.Contain("randomness"));

        // Offline: opening needs neither the key nor the node.
        var opened = CliRun.Of("vote", "--audit-ballot", "--prepared", file, "--json");

        Assert.That(opened.ExitCode, Is.EqualTo(ExitCodes.Success), opened.ToString());
        var audit = JsonOutput.Read<BallotAudit>(opened.Output)!;
        Assert.That(audit.Fingerprint, Is.EqualTo(prepared["fingerprint"]!.GetValue<string>()), "the opened ballot is the one committed to");
        Assert.That(audit.Options.Select(o => o.Value), Is.EqualTo(new[] { 0UL, 0UL, Weight }));
        Assert.That(audit.Problems(fixture.JointKey), Is.Empty);
        Assert.That(JsonNode.Parse(File.ReadAllText(file))!["state"]!.GetValue<string>(), Is.EqualTo("spoiled"));

        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey).SingleErrorLine(), Does.Contain("SPOILED"));
        Assert.That(CliRun.Of("vote", "--audit-ballot", "--prepared", file).ExitCode, Is.EqualTo(ExitCodes.Success), "reopening a spoiled ballot is harmless");
        Assert.That(_accepted, Is.Empty, "an audited ballot is never submitted");
    }

    [Test]
    public void A_tampered_or_misdirected_prepared_ballot_is_not_cast()
    {
        var fixture = KeyGeneration();
        var file = _temp.File("ballot.json");
        Assert.That(Vote("--option", "no", "--prepare", file).ExitCode, Is.EqualTo(ExitCodes.Success));
        var original = File.ReadAllText(file);

        // An edited ciphertext no longer has the fingerprint the voter saw.
        var edited = JsonNode.Parse(original)!;
        var options = edited["ballot"]!["options"]!;
        (options[0]!["ciphertext"], options[1]!["ciphertext"]) = (options[1]!["ciphertext"]!.GetValue<string>(), options[0]!["ciphertext"]!.GetValue<string>());
        File.WriteAllText(file, edited.ToJsonString());
        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey).SingleErrorLine(), Does.Contain("was altered"));

        // The same swap with the fingerprint updated to match: the openings no longer hold.
        edited["fingerprint"] = JsonOutput.Read<PreparedFile>(edited.ToJsonString())!.Ballot.Fingerprint;
        File.WriteAllText(file, edited.ToJsonString());
        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey).SingleErrorLine(), Does.Contain("not sound"));

        // Another voter's key, or another election named.
        File.WriteAllText(file, original);
        var other = _temp.File("other.json");
        KeyFile.Save(other, _chain.Voter(2));
        Assert.That(Cli("vote", "--cast", file, "--key", other).SingleErrorLine(), Does.Contain("prepared for the credential"));
        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey, "--election", "elsewhere").SingleErrorLine(), Does.Contain("not 'elsewhere'"));

        // A relabelled option or other choice bounds, the fingerprint untouched: refused before the node sees it.
        var relabelled = JsonNode.Parse(original)!;
        relabelled["ballot"]!["options"]![0]!["index"] = 1;
        File.WriteAllText(file, relabelled.ToJsonString());
        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey).SingleErrorLine(), Does.Contain("lists other options"));
        var bounds = JsonNode.Parse(original)!;
        bounds["ballot"]!["max_choices"] = 2;
        File.WriteAllText(file, bounds.ToJsonString());
        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey).SingleErrorLine(), Does.Contain("was prepared for 1 to 2 choices"));
        File.WriteAllText(file, original);

        // The node now serves another key (its records changed): the ballot was made for the old one.
        KeyGeneration(fixture: new SecretElectionFixture(ApiChain.ChainId, Secret, trustees: 3, threshold: 2, options: 3));
        Assert.That(Cli("vote", "--cast", file, "--key", _voterKey).SingleErrorLine(), Does.Contain($"encrypted under {fixture.JointKey}"));
        Assert.That(_accepted, Is.Empty);
        Assert.That(JsonNode.Parse(File.ReadAllText(file))!["state"]!.GetValue<string>(), Is.EqualTo("prepared"), "a refused cast leaves the file usable");
    }

    [TestCase(new[] { "--cast", "f.json", "--option", "yes" }, "--cast FILE casts the ballot already in the file")]
    [TestCase(new[] { "--prepared", "f.json" }, "--prepared FILE is opened with --audit-ballot")]
    [TestCase(new[] { "--audit-ballot", "--prepared", "f.json", "--option", "yes" }, "opens a ballot already made")]
    [TestCase(new[] { "--prepare", "f.json", "--audit-ballot", "--option", "yes" }, "not both now")]
    [TestCase(new[] { "--prepare", "f.json", "--wait", "--option", "yes" }, "--prepare submits nothing")]
    public void Prepare_cast_and_open_do_not_mix(string[] args, string error)
    {
        var run = CliRun.Of(["vote", "--key", _voterKey, .. args]);

        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Success));
        Assert.That(run.Error, Does.Contain(error));
        Assert.That(File.Exists("f.json"), Is.False);
    }

    [Test]
    public void An_open_election_has_nothing_to_prepare_or_pin()
    {
        _chain.Commit(_chain.CreateElection("open"));
        var file = _temp.File("open.json");

        CliRun Open(params string[] args) => Cli(["vote", "--key", _voterKey, "--election", "open", "--option", "0", .. args]);

        Assert.That(Open("--prepare", file).SingleErrorLine(), Does.Contain("is open (plaintext votes)"));
        Assert.That(Open("--joint-key", GroupElement.MultiplyBase(Scalar.FromUInt64(7)).ToString()).SingleErrorLine(), Does.Contain("is open (plaintext votes)"));
        Assert.That(File.Exists(file), Is.False);
        Assert.That(_accepted, Is.Empty, "a pinned key for an open election is a mistake, not a vote");
    }

    [Test]
    public void A_tally_answer_without_secret_settings_is_a_one_line_error()
    {
        var fixture = new SecretElectionFixture(ApiChain.ChainId, Secret, trustees: 3, threshold: 2, options: 3);
        fixture.Cast(Weight, 1);
        fixture.Publish([1, 2]);
        KeyGeneration(fixture.Tally, fixture);
        var honest = Cli("tally", "--election", Secret);
        Assert.That(honest.Output, Does.Contain("verified against this node's records").And.Contain("votechain audit"));

        _liar.Secret = r => r.Election.Secret = null;

        Assert.That(Cli("tally", "--election", Secret, "--json").SingleErrorLine(), Does.Contain("no secret ballot settings"));
        Assert.That(Cli("election", "show", "--id", Secret).SingleErrorLine(), Does.Contain("no secret ballot settings"));
        Assert.That(Vote("--option", "yes").SingleErrorLine(), Does.Contain("no secret ballot settings"));
    }

    /// <summary>Reads a prepared file's ballot, to recompute a fingerprint the way the CLI does.</summary>
    private sealed record PreparedFile(BallotAudit Ballot);

    /// <summary>Rewrites the node's GetSecretElection answers; everything else passes through.</summary>
    private sealed class LyingNode : Interceptor
    {
        public Action<SecretElectionResponse>? Secret { get; set; }

        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
            UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var response = await continuation(request, context);
            if (response is SecretElectionResponse answer && Secret is { } rewrite)
            {
                var lie = answer.Clone();
                rewrite(lie);
                return (TResponse)(object)lie;
            }

            return response;
        }
    }
}
