using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// Finding 3 of the issue 9 review: every gossip stream costs the node a fresh challenge and, once a Hello comes, an
/// Ed25519 verification, so one address opening and resetting streams must be refused before any challenge is sent,
/// while another address is still served.
/// </summary>
public sealed class HandshakeRateTests
{
    [Test]
    public async Task A_flood_of_gossip_stream_opens_from_one_address_is_refused_before_a_challenge_while_another_address_is_served()
    {
        // The documented defaults (5 a second, bursts of 20): nothing in limits is set.
        await using var net = await LimitedNode.StartAsync([]);

        var flood = await OpenStreamsAsync(net, IPAddress.Loopback, 60);
        var other = await OpenStreamsAsync(net, LimitedNode.Other, 1);

        TestContext.Out.WriteLine($"127.0.0.1: {flood.Served} served, {flood.Refused} refused in {flood.Elapsed.TotalMilliseconds:0} ms");
        Assert.That(flood.Served, Is.InRange(20, 40), "a burst of 20 and the refill while the flood lasted");
        Assert.That(flood.Refused, Is.GreaterThanOrEqualTo(20), "the rest is refused");
        Assert.That(flood.Detail, Does.Contain("gossip streams"));
        Assert.That(other.Served, Is.EqualTo(1), "127.0.0.2 has a bucket of its own");
    }

    /// <summary>Opens streams one after another from <paramref name="source"/>, each hung up once its first answer came.</summary>
    private static async Task<(int Served, int Refused, string Detail, TimeSpan Elapsed)> OpenStreamsAsync(TestNetwork net, IPAddress source, int count)
    {
        using var channel = LimitedNode.Channel(net, source);
        var client = new PeerService.PeerServiceClient(channel);
        var (served, refused, detail) = (0, 0, "");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var call = client.Gossip(deadline: DateTime.UtcNow.AddSeconds(10));
            try
            {
                if (await call.ResponseStream.MoveNext(CancellationToken.None)
                    && call.ResponseStream.Current.KindCase == GossipReply.KindOneofCase.Challenge)
                {
                    served++;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                refused++;
                detail = e.Status.Detail;
            }
        }

        return (served, refused, detail, clock.Elapsed);
    }
}
