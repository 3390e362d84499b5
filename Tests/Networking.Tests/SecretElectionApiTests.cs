using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Secret;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class SecretElectionApiTests : ApiTestBase
{
    private const string Secret = "secret";
    private const uint PhaseSeconds = 60;

    private byte[] CreateSecret(int trustees = 3)
    {
        var settings = new SecretBallotSettings { KeyPhaseSeconds = PhaseSeconds };
        settings.Trustees.AddRange(Enumerable.Range(0, trustees).Select(i => ByteString.CopyFrom(Chain.Key(50 + i).PublicKey)));
        var create = new CreateElection
        {
            ElectionId = Secret,
            Title = "Secret",
            OpensAtUnixMs = ApiChain.Start,
            ClosesAtUnixMs = ApiChain.Start + 3_600_000,
            Secret = settings,
            Options = { "yes", "no" },
        };
        return ApiChain.Sign(Chain.Authority, new TxPayload { CreateElection = create });
    }

    private Task<SecretElectionResponse> Get(string id = Secret) =>
        Client.GetSecretElectionAsync(new GetElectionRequest { ElectionId = id }, cancellationToken: Deadline).ResponseAsync;

    [Test]
    public async Task A_new_secret_election_is_dealing_with_deadlines_from_its_creation()
    {
        Chain.Commit(CreateSecret());

        var response = await Get();

        var created = ApiChain.TimeOf(3);
        Assert.That((response.Height, response.HeadTimeUnixMs), Is.EqualTo((3UL, created)));
        Assert.That(response.Election.CreatedAtUnixMs, Is.EqualTo(created));
        Assert.That(response.Election.Secret.Threshold, Is.EqualTo(3), "resolved default n - f for n = 3");
        Assert.That(response.KeyPhase, Is.EqualTo("dealing"));
        Assert.That(response.DealingEndsAtUnixMs, Is.EqualTo(created + 60_000));
        Assert.That(response.ComplaintsEndAtUnixMs, Is.EqualTo(created + 120_000));
        Assert.That(response.AnswersEndAtUnixMs, Is.EqualTo(created + 180_000));
        Assert.That(response.JointKey.IsEmpty, Is.True);
        Assert.That(response.Tally.Secret, Is.True);
        Assert.That(response.Tally.OptionCiphertexts, Has.Count.EqualTo(2));
        Assert.That(response.Secret.Deals, Is.Empty);
    }

    [Test]
    public async Task The_phase_follows_the_nodes_clock_when_it_is_past_the_head_block()
    {
        Chain.Commit(CreateSecret());
        var atHead = await Get();

        // No block commits, but by the node's clock every deadline passed with nobody dealing: the key failed.
        NodeClock.Advance(DateTimeOffset.FromUnixTimeMilliseconds(atHead.AnswersEndAtUnixMs + 1) - NodeClock.GetUtcNow());
        var later = await Get();

        Assert.That(atHead.KeyPhase, Is.EqualTo("dealing"));
        Assert.That(later.KeyPhase, Is.EqualTo("failed"));
        Assert.That(later.Height, Is.EqualTo(atHead.Height));
    }

    [Test]
    public async Task Once_every_trustee_dealt_and_acknowledged_the_joint_key_is_final()
    {
        Chain.Commit(CreateSecret());
        var fixture = new SecretElectionFixture(ApiChain.ChainId, Secret, trustees: 3, threshold: 3, options: 2);
        Chain.Commit([new StateChange(StateColumn.Secrets, StateKeys.Secret(Secret), fixture.Secret.ToByteArray())]);

        var response = await Get();

        Assert.That(response.Height, Is.EqualTo(4));
        Assert.That(response.KeyPhase, Is.EqualTo("final"));
        Assert.That(response.JointKey.ToByteArray(), Is.EqualTo(fixture.JointKey.ToArray()));
        Assert.That(response.QualifiedDealers, Is.EqualTo(new uint[] { 1, 2, 3 }));
        Assert.That(response.Secret.Deals, Has.Count.EqualTo(3));
        Assert.That(KeyGenerationStatus.Evaluate(response.Election, response.Secret, response.HeadTimeUnixMs).JointKey,
            Is.EqualTo(fixture.JointKey), "a client re-derives the same key from what the response carries");
    }

    [Test]
    public async Task An_unknown_election_is_NotFound_and_an_open_one_FailedPrecondition()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Get("nope"));
        var open = await Assert.ThrowsAsync<RpcException>(() => Get(ApiChain.Election));

        Assert.That(unknown!.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(open!.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(open.Status.Detail, Does.Contain("open (plaintext) election"));
    }

    [Test]
    public async Task The_tally_of_a_secret_election_carries_its_encrypted_sums()
    {
        Chain.Commit(CreateSecret());

        var tally = await Client.GetTallyAsync(new GetTallyRequest { ElectionId = Secret }, cancellationToken: Deadline);

        Assert.That(tally.Tally.Secret, Is.True);
        Assert.That(tally.Tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0 }));
        Assert.That(tally.Tally.OptionCiphertexts.Select(c => c.Length), Is.EqualTo(new[] { 64, 64 }));
        Assert.That(tally.Tally.ResultPublished, Is.False);
    }
}
