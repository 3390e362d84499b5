using System.Diagnostics;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests;

/// <summary>
/// A node's gossip calls to a peer end when that peer stops: the node lets its end of the call go at once. Left open (it
/// wrote on it, never reading), the call held the stopping peer's server, which waits for open requests until its
/// grace period (HostOptions.ShutdownTimeout, 5 s) runs out, and the node noticed the peer gone only at its next write,
/// a heartbeat (20 s) away on a quiet chain.
/// </summary>
public sealed class PeerStreamEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task A_validator_stopped_while_its_peers_run_stops_within_its_grace_period_and_its_peers_see_it_gone_at_once()
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 0);
        await net.StartAllAsync();
        await Eventually.HoldsAsync(async () => (await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
                (await net.Api(i).GetStatusAsync(new GetStatusRequest())).Peers.Count(p => p.Connected)))).All(c => c == 3),
            Patience, () => "every validator connected to the other three");

        var stopping = Stopwatch.StartNew();
        await net.StopAsync(1);
        Assert.That(stopping.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "stopping node1 waited out its grace period");

        // The chain is quiet (no idle blocks here): nothing is written to node1 before a heartbeat, 20 s away.
        var noticed = Stopwatch.StartNew();
        await Eventually.HoldsAsync(async () => (await net.Api(0).GetStatusAsync(new GetStatusRequest())).Peers
            .Single(p => p.Endpoint == net.Url(1)).Connected is false, Patience, () => "node0 to see node1 gone");
        Assert.That(noticed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "node0 saw node1 gone only when it next wrote to it");
    }
}
