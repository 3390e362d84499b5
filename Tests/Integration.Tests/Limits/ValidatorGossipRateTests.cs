using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using VoteChain.Consensus.Genesis;
using VoteChain.Networking.Peers;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// Finding 2 of the issue 9 review: a validator's gossip had no rate at all, so one Byzantine (or compromised)
/// validator could make every other node verify transactions as fast as it can send them. Now each validator key has
/// a generous rate of its own.
/// </summary>
public sealed class ValidatorGossipRateTests
{
    private const int Sent = 40;

    [Test]
    public async Task Transactions_gossiped_by_a_validator_past_its_rate_are_dropped()
    {
        // Two validators, only node 0 running: no quorum, so what node 0 takes stays in its pool to be counted.
        await using var net = TestNetwork.Create(validators: 2, observers: 0);
        await LimitedNode.WriteLimitsAsync(net, 0, new JsonObject { ["validator_transaction_rate_per_second"] = 3 });
        await net.StartAsync(0);
        using var validatorKey = KeyFile.Load(Path.Combine(net.Home(1), "config", "node_key.json"));
        var genesisHash = GenesisHash.Of(GenesisFile.Load(net.GenesisPath(0)));
        using var channel = GrpcChannel.ForAddress(net.Url(0));
        using var call = new PeerService.PeerServiceClient(channel).Gossip(deadline: DateTime.UtcNow.AddSeconds(30));
        await ClientHandshake.RunAsync(call, new LocalPeer(validatorKey, TestNetwork.ChainId, genesisHash, "node1", net.Url(1)),
            () => ConnectionBinding.None, expectedKey: null, CancellationToken.None);

        for (var i = 0; i < Sent; i++)
        {
            await call.RequestStream.WriteAsync(new PeerMessage { Transaction = ByteString.CopyFrom(Payloads.CreateElection(net.Authority, $"e{i}")) });
        }

        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            // The node answers nothing after its Welcome; the stream ends once it has read every message.
        }

        // Burst of twice the rate (6), then 3 a second while the stream was read.
        var pending = net.Services(0)!.GetRequiredService<MempoolPool>().Count;
        Assert.That(pending, Is.InRange(6, 9), $"{Sent} sent by a validator");
    }
}
