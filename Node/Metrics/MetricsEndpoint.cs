using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Peers;
using VoteChain.Node.Driver;
using VoteChain.Storage;

namespace VoteChain.Node.Metrics;

/// <summary>
/// Serves the node's Prometheus metrics at <see cref="Path"/> on the web endpoint only, and connects the parts of the
/// node to them: the mempool's verdicts, the API's accepted transactions and the driver's commits and view changes as
/// they happen, the rest read when a scrape asks. Nothing is measured on a node that serves no metrics.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static void Map(WebApplication app, int webPort, int pendingCapacity)
    {
        var services = app.Services;
        var store = services.GetRequiredService<ChainStore>();
        var mempool = services.GetRequiredService<Mempool>();
        var peers = services.GetRequiredService<PeerNetwork>();
        var driver = services.GetRequiredService<ConsensusDriver>();
        var syncer = services.GetRequiredService<BlockSyncer>();
        var metrics = new NodeMetrics(pendingCapacity);

        mempool.Judged += metrics.Judged;
        services.GetRequiredService<NodeInbox>().ClientAccepted += metrics.ClientAccepted;
        driver.Committed += metrics.Committed;
        driver.ViewChanged += _ => metrics.ViewChanged();
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            var described = peers.Describe();
            metrics.Observe(new NodeReadings(store.Height, driver.View, mempool.Count, mempool.Bytes,
                described.Count(p => p.Connected), described.Count, syncer.BestPeerHeight, driver.Evidence,
                store.Memory()));
        });

        // Filtered by the port the connection arrived on, not by RequireHost: the Host header is the client's word, and
        // a request to the gRPC port naming the web port in it would pass (a test tries exactly that).
        app.UseMetricServer(webPort, Path, metrics.Registry);
    }
}
