using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using VoteChain.Consensus.Crypto;
using VoteChain.Integration.Tests.Byzantine;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests;

/// <summary>
/// Over real gRPC into a real validator's gossip stream: a vote the node refused for a passing reason (its voter was
/// not registered yet) is taken when a peer offers it again after the registration; and a node offers its pending
/// transactions again after a commit, so one a peer refused for a passing reason is not stranded.
/// </summary>
public sealed class GossipRetakeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_vote_refused_as_NOT_REGISTERED_is_taken_from_gossip_again_once_the_voter_is_registered()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0);
        await net.StartAllAsync();
        var api = net.Api(0);
        using var voter = Ed25519KeyPair.Generate();
        using var peerKey = Ed25519KeyPair.Generate();
        await api.SubmitTransactionAsync(Request(Payloads.CreateElection(net.Authority, "g")));
        await TallyHoldsAsync(api, "g", _ => true, "the election");
        var genesisHash = Consensus.Genesis.GenesisHash.Of(Node.Genesis.GenesisFile.Load(net.GenesisPath(0)));
        await using var link = new GossipLink(net.Url(0), new LocalPeer(peerKey, TestNetwork.ChainId, genesisHash, "gossip-test", "http://127.0.0.1:9"));
        var vote = Payloads.Vote(voter, "g", option: 1);

        // One stream is handled in order: once the marker election exists, the vote before it was refused.
        link.SendTransaction(vote);
        link.SendTransaction(Payloads.CreateElection(net.Authority, "marker"));
        await TallyHoldsAsync(api, "marker", _ => true, "the marker election sent after the vote");
        await api.SubmitTransactionAsync(Request(Payloads.Register(net.Authority, "g", [voter.PublicKey])));
        await TallyHoldsAsync(api, "g", t => t.RegisteredCredentials == 1, "the registration");
        Assert.That((await TallyAsync(api, "g"))!.Tally.CountedBallots, Is.Zero, "the vote was refused before the registration");

        link.SendTransaction(vote);

        await TallyHoldsAsync(api, "g", t => t.CountedBallots == 1 && t.OptionWeights[1] == 1, "the gossiped vote counted");
    }

    [Test]
    public async Task A_revote_pending_only_at_an_observer_is_offered_again_after_a_commit_and_counts()
    {
        // The second review's case: the validator took the voter's revotes 3 and 4 (one replacement between commits),
        // so revote 5, sent to an observer's API, was refused REVOTE_TOO_SOON when the observer gossiped it, and an
        // observer never proposes. Here that state is set up directly in the two mempools (no gossip): only a node
        // that offers its pending transactions again after a commit gets revote 5 counted.
        await using var net = TestNetwork.Create(validators: 1, observers: 1);
        await net.StartAllAsync();
        var validator = net.Api(0);
        var observer = net.Api(1);
        using var voter = Ed25519KeyPair.Generate();
        await validator.SubmitTransactionAsync(Request(Payloads.CreateElection(net.Authority, "r", allowRevote: true)));
        await TallyHoldsAsync(validator, "r", _ => true, "the election");
        await validator.SubmitTransactionAsync(Request(Payloads.Register(net.Authority, "r", [voter.PublicKey])));
        await TallyHoldsAsync(validator, "r", t => t.RegisteredCredentials == 1, "the registration");
        await validator.SubmitTransactionAsync(Request(Payloads.Vote(voter, "r", option: 0, sequence: 1)));
        await TallyHoldsAsync(observer, "r", t => t.OptionWeights[0] == 1, "the first vote, as the observer sees it");

        var observerPool = net.Services(1)!.GetRequiredService<Mempool>();
        var validatorPool = net.Services(0)!.GetRequiredService<Mempool>();
        Assert.That(observerPool.Submit(Payloads.Vote(voter, "r", option: 2, sequence: 5)).Accepted, Is.True);
        var early = validatorPool.SubmitMany([Payloads.Vote(voter, "r", option: 1, sequence: 3), Payloads.Vote(voter, "r", option: 1, sequence: 4)]);
        Assert.That(early.All(o => o.Accepted), Is.True);
        // Something else to do makes the validator commit revote 4 (set up without the nudge gossip would give).
        await validator.SubmitTransactionAsync(Request(Payloads.CreateElection(net.Authority, "nudge")));

        await TallyHoldsAsync(observer, "r", t => t.OptionWeights[2] == 1 && t.CountedBallots == 1, "revote 5 counted");
    }

    private static SubmitTransactionRequest Request(byte[] envelope) => new() { Envelope = ByteString.CopyFrom(envelope) };

    private static async Task<TallyResponse?> TallyAsync(VoteChainApi.VoteChainApiClient api, string id)
    {
        try
        {
            return await api.GetTallyAsync(new GetTallyRequest { ElectionId = id });
        }
        catch (Grpc.Core.RpcException)
        {
            return null;
        }
    }

    private static Task TallyHoldsAsync(VoteChainApi.VoteChainApiClient api, string id, Func<TallyRecord, bool> condition, string what) =>
        Eventually.HoldsAsync(async () => await TallyAsync(api, id) is { } tally && condition(tally.Tally), Patience, () => what);
}
