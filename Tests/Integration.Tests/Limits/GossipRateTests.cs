using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Net.Client;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Networking.Peers;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>Anyone can sign a Hello: gossip from a peer that is not a validator must not bypass the submit rate.</summary>
public sealed class GossipRateTests
{
    [Test]
    public async Task Transactions_gossiped_by_a_non_validator_peer_past_the_rate_are_dropped()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject { ["peer_transaction_rate_per_second"] = 2 });
        using var stranger = Ed25519KeyPair.Generate();
        var genesisHash = GenesisHash.Of(GenesisFile.Load(net.GenesisPath(0)));
        using var channel = GrpcChannel.ForAddress(net.Url(0));
        using var call = new PeerService.PeerServiceClient(channel).Gossip(deadline: DateTime.UtcNow.AddSeconds(30));

        // Burst of twice the rate (4), then 2 a second: 20 valid transactions sent at once get about 4 in.
        await ClientHandshake.RunAsync(call, new LocalPeer(stranger, TestNetwork.ChainId, genesisHash, "stranger", "http://127.0.0.1:1"),
            () => ConnectionBinding.None, expectedKey: null, CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new PeerMessage { Transaction = ByteString.CopyFrom(Payloads.CreateElection(net.Authority, $"e{i}")) });
        }

        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            // The node answers nothing after its Welcome; the stream ends once it has read every message.
        }

        // The node read every message before answering; what it took is pending or committed now.
        var api = net.Api(0);
        await Eventually.HoldsAsync(async () => (await api.GetStatusAsync(new GetStatusRequest())).MempoolSize == 0,
            TimeSpan.FromSeconds(20), () => "the admitted transactions to commit");
        var elections = (await api.ListElectionsAsync(new ListElectionsRequest())).Elections.Count;

        Assert.That(elections, Is.InRange(4, 6), "a burst of 4 and at most a refill or two while the stream was read");
    }
}
