using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Secret;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// An encrypted vote made by the page library the way the vote page makes it: the election, joint key and the
/// voter's weight and sequence read from a real node's API, the ballot submitted to its mempool and committed by the
/// real rules into a RocksDB chain. A ballot whose mark count the election does not take is refused with BAD_PROOF.
/// </summary>
[NonParallelizable]
public sealed class WebLibSecretVoteTests
{
    private const string Election = "secret-approval";
    private const ulong Weight = 3;

    private string _folder = "";
    private ApiChain _chain = null!;
    private ApiHost _host = null!;
    private WebLibTool _tool = null!;

    private VoteChainApi.VoteChainApiClient Client => _host.Client;

    // The chain owns (and disposes) the keys it derives; the two tests use different voters, so neither depends on the other.
    private Consensus.Crypto.Ed25519KeyPair WeightedVoter => _chain.Voter(1);

    private Consensus.Crypto.Ed25519KeyPair OtherVoter => _chain.Voter(2);

    [OneTimeSetUp]
    public async Task CreateASecretElectionWithAFinalKey()
    {
        _tool = WebLibTool.Start();
        _folder = Path.Combine(Path.GetTempPath(), "votechain-weblib-tests", Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        _host = await ApiHost.StartAsync(new ApiService(_chain.Store, _chain.Mempool, _chain.Events, new StoreStatusSource(_chain.Store)));

        var settings = new SecretBallotSettings { KeyPhaseSeconds = 60, Threshold = 3, MinChoices = 1, MaxChoices = 2 };
        settings.Trustees.AddRange(Enumerable.Range(0, 3).Select(i => ByteString.CopyFrom(_chain.Key(50 + i).PublicKey)));
        var create = new CreateElection
        {
            ElectionId = Election, Title = "Secret approval", OpensAtUnixMs = ApiChain.Start, ClosesAtUnixMs = ApiChain.Start + 3_600_000,
            Secret = settings, Options = { "red", "green", "blue", "yellow" },
        };
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload { CreateElection = create }));
        // What the trustees' key generation would have written: every dealer dealt, every trustee acknowledged.
        var keyGeneration = new SecretElectionFixture(ApiChain.ChainId, Election, trustees: 3, threshold: 3, options: 4);
        _chain.Commit([new StateChange(StateColumn.Secrets, StateKeys.Secret(Election), keyGeneration.Secret.ToByteArray())]);
        var register = new RegisterVoters { ElectionId = Election };
        register.Voters.Add(new VoterEntry { Credential = ByteString.CopyFrom(WeightedVoter.PublicKey), Weight = Weight });
        register.Voters.Add(new VoterEntry { Credential = ByteString.CopyFrom(OtherVoter.PublicKey), Weight = 1 });
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload { RegisterVoters = register }));
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
    public async Task A_ballot_made_from_what_the_node_serves_is_accepted_and_counted()
    {
        var request = await PageRequest(WeightedVoter, marks: [0, 2]);
        var ballot = _tool.Result(request);
        var envelope = Convert.FromHexString(ballot["envelope"]!.GetValue<string>());

        var submitted = await Client.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) });
        _chain.Commit(envelope);

        Assert.That(Convert.ToHexStringLower(submitted.TxId.Span), Is.EqualTo(ballot["txId"]!.GetValue<string>()));
        var voter = await Voter(WeightedVoter);
        Assert.That(Convert.ToHexStringLower(voter.Ballot.TxId.Span), Is.EqualTo(ballot["txId"]!.GetValue<string>()));
        Assert.That(voter.Ballot.Ciphertexts, Has.Count.EqualTo(4));
        var tally = await Client.GetTallyAsync(new GetTallyRequest { ElectionId = Election });
        Assert.That((tally.Tally.CountedBallots, tally.Tally.CountedWeight), Is.EqualTo((1UL, Weight)));
    }

    // The page is told the election takes more marks than the chain's election (one or two) does. With the same
    // number of allowed counts the sum proof has the right size and fails as a proof; with more it has the wrong size.
    [TestCase(2u, 3u, "BAD_PROOF")]
    [TestCase(1u, 3u, "MALFORMED")]
    public async Task A_ballot_with_more_marks_than_the_election_takes_is_refused(uint minChoices, uint maxChoices, string reason)
    {
        var request = await PageRequest(OtherVoter, marks: [0, 1, 3], minChoices, maxChoices);
        var envelope = Convert.FromHexString(_tool.Result(request)["envelope"]!.GetValue<string>());

        var refusal = (await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) })))!;

        Assert.That(RejectionStatus.ReasonOf(refusal), Is.EqualTo(reason));
        Assert.That((await Voter(OtherVoter)).Ballot, Is.Null);
    }

    // The attack: a node that wants to read ballots serves a joint key whose secret it knows. The key must be what
    // the trustees' deals on record give (the C# client's ElectionKey.Resolve), or the vote is not encrypted at all.
    private static IEnumerable<TestCaseData> NodeChosenKeys()
    {
        yield return Lie("a key of its own beside the honest deals", "JOINT_KEY_MISMATCH", s => s.JointKey = Bytes(GroupElement.MultiplyBase(Scalar.RandomNonZero())));
        yield return Lie("one dealer's commitment as the key", "JOINT_KEY_MISMATCH", s => s.JointKey = s.Secret.Deals[0].Commitments[0]);
        yield return Lie("a key from fewer deals than the threshold", "JOINT_KEY_MISMATCH", s =>
        {
            s.Secret.Deals.RemoveAt(2);
            s.JointKey = Bytes(Sum(s.Secret.Deals.Select(d => d.Commitments[0])));
        });
        // A node that is itself trustee 1 knows its own polynomial: its deal counted three times makes the threshold
        // alone, with a key it knows. The chain never stores one dealer twice, so such an answer is not believable.
        yield return Lie("one deal repeated to make the threshold", "JOINT_KEY_MISMATCH", s =>
        {
            var own = s.Secret.Deals[0];
            s.Secret.Deals.Clear();
            s.Secret.Deals.AddRange([own, own.Clone(), own.Clone()]);
            s.JointKey = Bytes(Sum(s.Secret.Deals.Select(d => d.Commitments[0])));
        });
        yield return Lie("a malformed commitment", "JOINT_KEY_MISMATCH", s => s.Secret.Deals[1].Commitments[0] = ByteString.CopyFrom(Enumerable.Repeat((byte)0xff, 32).ToArray()));
        yield return Lie("a key phase that is not final", "KEY_NOT_READY", s => s.KeyPhase = "dealing");
        yield return Lie("a failed key generation", "KEY_GENERATION_FAILED", s => s.KeyPhase = "failed");
        yield return Lie("the identity as the key", "KEY_NOT_READY", s => s.JointKey = Bytes(GroupElement.Identity));
    }

    [TestCaseSource(nameof(NodeChosenKeys))]
    public async Task A_joint_key_the_chain_record_does_not_give_is_refused(string code, Action<SecretElectionResponse> lie)
    {
        var request = await PageRequest(OtherVoter, marks: [0], edit: lie);

        Assert.That(_tool.Error(request), Does.StartWith($"{code}: "));
    }

    // A node that rewrites the deals too passes the recomputation; only a key the voter got elsewhere catches it.
    [Test]
    public async Task A_rewritten_transcript_is_refused_only_by_the_pinned_key()
    {
        var honestKey = Convert.ToHexStringLower((await Client.GetSecretElectionAsync(new GetElectionRequest { ElectionId = Election })).JointKey.Span);
        void Rewrite(SecretElectionResponse s)
        {
            s.Secret.Deals[0].Commitments[0] = Bytes(GroupElement.MultiplyBase(Scalar.RandomNonZero()));
            s.JointKey = Bytes(Sum(s.Secret.Deals.Select(d => d.Commitments[0])));
        }

        var unpinned = await PageRequest(OtherVoter, marks: [0], edit: Rewrite);
        var pinned = await PageRequest(OtherVoter, marks: [0], edit: Rewrite, pinnedJointKey: honestKey);
        var honestPinned = await PageRequest(OtherVoter, marks: [0], pinnedJointKey: honestKey);

        Assert.That(_tool.Result(unpinned)["envelope"], Is.Not.Null, "without a pin the voter trusts the node's whole answer");
        Assert.That(_tool.Error(pinned), Does.StartWith("JOINT_KEY_MISMATCH: ").And.Contain("pinned"));
        Assert.That(_tool.Result(honestPinned)["envelope"], Is.Not.Null);
    }

    [Test]
    public async Task A_bare_joint_key_is_still_taken_but_must_match_a_pin()
    {
        var secret = await Client.GetSecretElectionAsync(new GetElectionRequest { ElectionId = Election });
        var other = Convert.ToHexStringLower(GroupElement.MultiplyBase(Scalar.RandomNonZero()).ToArray());
        var request = await PageRequest(OtherVoter, marks: [0]);
        var bare = JsonNode.Parse(JsonSerializer.Serialize(request))!.AsObject();
        bare.Remove("secret");
        bare["jointKey"] = Convert.ToHexStringLower(secret.JointKey.Span);

        Assert.That(_tool.Result(bare)["envelope"], Is.Not.Null);
        bare["pinnedJointKey"] = other;
        Assert.That(_tool.Error(bare), Does.StartWith("JOINT_KEY_MISMATCH: "));
    }

    private static TestCaseData Lie(string name, string code, Action<SecretElectionResponse> lie) =>
        new(code, lie) { TestName = $"A node serving {name} is refused with {code}" };

    private static ByteString Bytes(GroupElement element) => ByteString.CopyFrom(element.ToArray());

    private static GroupElement Sum(IEnumerable<ByteString> commitments) =>
        commitments.Aggregate(GroupElement.Identity, (sum, c) => sum.Add(GroupElement.TryParse(c.Span, out var e) ? e : throw new InvalidDataException("not a point")));

    /// <summary>The encrypt request the vote page builds from the node's answers (proto3 JSON, as the JSON API gives them).</summary>
    private async Task<object> PageRequest(Consensus.Crypto.Ed25519KeyPair voter, int[] marks, uint? minChoices = null, uint? maxChoices = null,
        Action<SecretElectionResponse>? edit = null, string? pinnedJointKey = null)
    {
        var election = await Client.GetElectionAsync(new GetElectionRequest { ElectionId = Election });
        election.Secret.MinChoices = minChoices ?? election.Secret.MinChoices;
        election.Secret.MaxChoices = maxChoices ?? election.Secret.MaxChoices;

        var secret = await Client.GetSecretElectionAsync(new GetElectionRequest { ElectionId = Election });
        edit?.Invoke(secret);
        var record = await Voter(voter);
        return new
        {
            op = "encrypt-vote",
            chainId = ApiChain.ChainId,
            electionId = Election,
            sequence = ((record.Ballot?.Sequence ?? 0) + 1).ToString(),
            seed = Convert.ToHexStringLower(voter.ExportSeed()),
            election = JsonNode.Parse(JsonFormatter.Default.Format(election)),
            // The chain's record of the key generation, not just its key: the library recomputes the key from it.
            secret = JsonNode.Parse(JsonFormatter.Default.Format(secret)),
            weight = JsonNode.Parse(JsonFormatter.Default.Format(record.Credential))!["weight"]!.GetValue<string>(),
            marks,
            pinnedJointKey,
        };
    }

    private async Task<GetVoterResponse> Voter(Consensus.Crypto.Ed25519KeyPair voter) =>
        await Client.GetVoterAsync(new GetVoterRequest { ElectionId = Election, Credential = ByteString.CopyFrom(voter.PublicKey) });
}
