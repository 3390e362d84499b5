using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VoteChain.Networking.Limits;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>Closing silent streams must not cut honest peers off a quiet chain: their gossip streams send heartbeats.</summary>
public sealed class HeartbeatTests
{
    [Test]
    public async Task Gossip_streams_between_validators_of_a_quiet_chain_outlive_the_idle_limit()
    {
        await using var net = TestNetwork.Create(validators: 2, observers: 0);
        for (var i = 0; i < 2; i++)
        {
            await LimitedNode.WriteLimitsAsync(net, i, new System.Text.Json.Nodes.JsonObject { ["stream_idle_seconds"] = 1 });
        }

        await net.StartAllAsync();
        await Eventually.HoldsAsync(async () => (await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
                (await net.Api(i).GetStatusAsync(new GetStatusRequest())).Peers.All(p => p.Connected)))).All(c => c),
            TimeSpan.FromSeconds(20), () => "both validators connected");
        var bounds = Enumerable.Range(0, 2).Select(i => net.Services(i)!.GetRequiredService<RequestBounds>()).ToList();

        // Three idle limits with nothing to say: no stream may be closed as silent meanwhile.
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(3) && bounds.All(b => b.TimedOut == 0))
        {
            await Task.Delay(50);
        }

        Assert.That(bounds.Select(b => b.TimedOut), Is.All.Zero, "a quiet gossip stream was closed as idle");
    }
}
