using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Keys;

namespace VoteChain.Integration.Tests.Tls;

/// <summary>
/// Finding 6 of the issue 9 review, over plain http on 127.0.0.1: validator A (node 0) dials a middle node M that
/// relays A's handshake to validator B (node 1). M must never hold a stream that B treats as A's. M sits either at a
/// genesis validator's endpoint (slot 2, a Byzantine validator) or at an address only A's <c>peers</c> list names; it
/// passes B's challenge on as it is, or announces its own key in place of B's.
/// </summary>
public sealed class RelayAttackTests
{
    [TestCase(true, false, TestName = "A_relay_at_a_validator_endpoint_passing_on_the_target_key_gets_no_Hello")]
    [TestCase(true, true, TestName = "A_relay_at_a_validator_endpoint_announcing_its_own_key_gets_a_Hello_the_target_refuses")]
    [TestCase(false, false, TestName = "A_relay_listed_in_peers_passing_on_a_validator_key_gets_no_Hello")]
    [TestCase(false, true, TestName = "A_relay_listed_in_peers_announcing_its_own_key_gets_a_Hello_the_target_refuses")]
    public async Task A_relaying_middle_node_never_gets_a_stream_the_target_treats_as_the_dialer(bool atValidatorEndpoint, bool ownKey)
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 0);
        using var slotKey = KeyFile.Load(Path.Combine(net.Home(2), "config", "node_key.json"));
        using var strangerKey = Ed25519KeyPair.Generate();
        var port = atValidatorEndpoint ? net.Port(2) : FreePort();
        if (!atValidatorEndpoint)
        {
            await AddPeerAsync(net, 0, $"http://127.0.0.1:{port}");
        }

        var announced = !ownKey ? null : atValidatorEndpoint ? slotKey.PublicKey : strangerKey.PublicKey;
        await net.StartAsync(1);
        await using var relay = await HandshakeRelay.StartAsync(port, net.Url(1), announced);
        await net.StartAsync(0);

        await Eventually.HoldsAsync(() => Task.FromResult(relay.Outcomes.Count >= 1), TimeSpan.FromSeconds(20),
            () => "node 0 to dial the relay");

        Assert.That(relay.Outcomes, Has.None.EqualTo(HandshakeRelay.Welcomed), "the target took the relayed Hello as node 0's");
        Assert.That(relay.Outcomes, ownKey
            ? Has.All.Contains("names another recipient key")
            : Has.All.EqualTo(HandshakeRelay.NoHello));
    }

    private static async Task AddPeerAsync(TestNetwork net, int node, string url)
    {
        var path = Path.Combine(net.Home(node), "config", "node.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        config["peers"] = new JsonArray(url);
        await File.WriteAllTextAsync(path, config.ToJsonString());
    }

    private static int FreePort() => BlackBox.LoopbackPorts.Free();
}
