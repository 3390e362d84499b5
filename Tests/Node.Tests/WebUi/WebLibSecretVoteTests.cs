using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
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

        var settings = new SecretBallotSettings { KeyPhaseSeconds = 60, MinChoices = 1, MaxChoices = 2 };
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

    /// <summary>The encrypt request the vote page builds from the node's answers (proto3 JSON, as the JSON API gives them).</summary>
    private async Task<object> PageRequest(Consensus.Crypto.Ed25519KeyPair voter, int[] marks, uint? minChoices = null, uint? maxChoices = null)
    {
        var election = await Client.GetElectionAsync(new GetElectionRequest { ElectionId = Election });
        election.Secret.MinChoices = minChoices ?? election.Secret.MinChoices;
        election.Secret.MaxChoices = maxChoices ?? election.Secret.MaxChoices;

        var secret = await Client.GetSecretElectionAsync(new GetElectionRequest { ElectionId = Election });
        var record = await Voter(voter);
        Assert.That(secret.KeyPhase, Is.EqualTo("final"));
        return new
        {
            op = "encrypt-vote",
            chainId = ApiChain.ChainId,
            electionId = Election,
            sequence = ((record.Ballot?.Sequence ?? 0) + 1).ToString(),
            seed = Convert.ToHexStringLower(voter.ExportSeed()),
            election = JsonNode.Parse(JsonFormatter.Default.Format(election)),
            jointKey = Convert.ToHexStringLower(secret.JointKey.Span),
            weight = JsonNode.Parse(JsonFormatter.Default.Format(record.Credential))!["weight"]!.GetValue<string>(),
            marks,
        };
    }

    private async Task<GetVoterResponse> Voter(Consensus.Crypto.Ed25519KeyPair voter) =>
        await Client.GetVoterAsync(new GetVoterRequest { ElectionId = Election, Credential = ByteString.CopyFrom(voter.PublicKey) });
}
