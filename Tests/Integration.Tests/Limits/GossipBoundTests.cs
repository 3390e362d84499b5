using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Networking.Peers;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// After the handshake, a peer that is not a validator has only transactions to send: its gossip messages are bounded
/// like a submitted transaction (mempool.max_tx_bytes + 64), not by the consensus bound of several MiB that validators
/// need for proposals (issue 9 review, finding 8).
/// </summary>
public sealed class GossipBoundTests
{
    /// <summary>Over max_tx_bytes (256 KiB) + 64, far under the consensus bound (4 MiB or more).</summary>
    private const int Large = 300 * 1024;

    [Test]
    public async Task A_non_validator_s_gossip_message_over_the_transaction_bound_is_refused_unread_and_a_validator_s_is_read()
    {
        await using var net = TestNetwork.Create(validators: 2, observers: 0);
        await net.StartAsync(0);
        var genesisHash = GenesisHash.Of(GenesisFile.Load(net.GenesisPath(0)));
        using var stranger = Ed25519KeyPair.Generate();
        using var validator = KeyFile.Load(Path.Combine(net.Home(1), "config", "node_key.json"));
        var large = new PeerMessage { Consensus = new ConsensusMessage { PrePrepare = new PrePrepare { Block = ByteString.CopyFrom(new byte[Large]) } } };

        var fromStranger = await GossipAsync(net, new LocalPeer(stranger, TestNetwork.ChainId, genesisHash, "stranger", "http://127.0.0.1:1"), large);
        var fromValidator = await GossipAsync(net, new LocalPeer(validator, TestNetwork.ChainId, genesisHash, "validator1", "http://127.0.0.1:2"), large);

        Assert.That(fromStranger.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), fromStranger.ToString);
        Assert.That(fromStranger.Detail, Does.Contain("PeerService/Gossip message of").And.Contain("limit of 262208 bytes"));
        Assert.That(fromValidator.StatusCode, Is.EqualTo(StatusCode.OK), "a validator's proposal-sized message is read: " + fromValidator);
    }

    /// <summary>Handshakes as <paramref name="self"/>, sends one message, ends the stream and returns how the node ended it.</summary>
    private static async Task<Status> GossipAsync(TestNetwork net, LocalPeer self, PeerMessage message)
    {
        using var channel = GrpcChannel.ForAddress(net.Url(0));
        using var call = new PeerService.PeerServiceClient(channel).Gossip(deadline: DateTime.UtcNow.AddSeconds(30));
        await ClientHandshake.RunAsync(call, self, () => ConnectionBinding.None, expectedKey: null, CancellationToken.None);
        try
        {
            await call.RequestStream.WriteAsync(message);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // The node refused the message while it was being sent; its status follows on the response stream.
        }

        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                // Nothing follows the Welcome; the stream ends once the node has read (or refused) the message.
            }

            return call.GetStatus();
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }
}
