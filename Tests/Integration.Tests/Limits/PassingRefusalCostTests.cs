using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using VoteChain.Consensus.Crypto;
using VoteChain.Integration.Tests.Byzantine;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// Finding 2 of the issue 9 review, over real gRPC: a validly signed vote refused for a passing reason (its election
/// unknown, its voter not registered) is signed once and sent again and again, through the API and a peer's gossip
/// stream. Only the first copy of each may cost a signature check; the rest must cost a hash and the rules.
/// </summary>
public sealed class PassingRefusalCostTests
{
    private const int ApiCopies = 25;
    private const int GossipCopies = 200;

    [Test]
    public async Task Repeats_of_an_UNKNOWN_ELECTION_and_a_NOT_REGISTERED_vote_cost_one_verification_each()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0);
        await net.StartAllAsync();
        var api = net.Api(0);
        var mempool = net.Services(0)!.GetRequiredService<MempoolPool>();
        await api.SubmitTransactionAsync(Request(Payloads.CreateElection(net.Authority, "g")));
        await CommittedAsync(api, "g");
        using var stranger = Ed25519KeyPair.Generate();
        using var peerKey = Ed25519KeyPair.Generate();
        var unknownElection = Payloads.Vote(stranger, "no-such-election", option: 0);
        var notRegistered = Payloads.Vote(stranger, "g", option: 1);
        var checksBefore = mempool.SignatureChecks;

        for (var i = 0; i < ApiCopies; i++)
        {
            Assert.That(await RefusalAsync(api, unknownElection), Is.EqualTo(StatusCode.NotFound));
            Assert.That(await RefusalAsync(api, notRegistered), Is.EqualTo(StatusCode.NotFound));
        }

        var genesisHash = Consensus.Genesis.GenesisHash.Of(Node.Genesis.GenesisFile.Load(net.GenesisPath(0)));
        await using (var link = new GossipLink(net.Url(0), new LocalPeer(peerKey, TestNetwork.ChainId, genesisHash, "repeater", "http://127.0.0.1:9")))
        {
            for (var i = 0; i < GossipCopies; i++)
            {
                link.SendTransaction(unknownElection);
                link.SendTransaction(notRegistered);
            }

            // One stream is handled in order: once the marker is committed, every copy before it was handled.
            link.SendTransaction(Payloads.CreateElection(net.Authority, "marker"));
            await CommittedAsync(api, "marker");
        }

        var checks = mempool.SignatureChecks - checksBefore;
        TestContext.Out.WriteLine($"{2 * (ApiCopies + GossipCopies)} copies of two passing refusals and a marker: {checks} verification(s)");
        Assert.That(checks, Is.EqualTo(3), "one for each of the two votes and one for the marker election");
    }

    private static SubmitTransactionRequest Request(byte[] envelope) => new() { Envelope = ByteString.CopyFrom(envelope) };

    private static async Task<StatusCode> RefusalAsync(VoteChainApi.VoteChainApiClient api, byte[] envelope)
    {
        try
        {
            await api.SubmitTransactionAsync(Request(envelope));
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static Task CommittedAsync(VoteChainApi.VoteChainApiClient api, string election) =>
        Eventually.HoldsAsync(async () =>
        {
            try
            {
                await api.GetTallyAsync(new GetTallyRequest { ElectionId = election });
                return true;
            }
            catch (RpcException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"election {election} committed");
}
