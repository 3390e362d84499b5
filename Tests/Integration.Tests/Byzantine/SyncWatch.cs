using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// One node that has to sync past a liar, seen through its public API: its status (height, syncing, the heads its
/// peers claim) and its health. It remembers what it last read, so that a timeout says where sync was stuck, and a node
/// that stopped answering shows as such instead of failing on the first refused call.
/// </summary>
internal sealed class SyncWatch : IDisposable
{
    private readonly TestNetwork _net;
    private readonly int _slot;
    private readonly GrpcChannel _channel;
    private readonly VoteChainApi.VoteChainApiClient _api;
    private readonly string _name;
    private readonly string _liarUrl;
    private string _last = "nothing read yet";

    public SyncWatch(TestNetwork net, int slot, int liar)
    {
        _net = net;
        _slot = slot;
        _channel = GrpcChannel.ForAddress(net.Url(slot));
        _api = new VoteChainApi.VoteChainApiClient(_channel);
        _name = $"node{slot}";
        _liarUrl = net.Url(liar);
    }

    /// <summary>
    /// Waits until the node has reached <paramref name="head"/>, says it is not syncing, and lists the liar's claimed
    /// head among its peers' heads: it has heard the liar's claim and does not believe it. A node that believed it would
    /// report syncing for as long as the claim stands.
    /// </summary>
    public Task CaughtUpAsync(ulong head, ulong liarClaim, DateTime deadline, Func<string> note) =>
        Eventually.HoldsAsync(async () =>
            {
                if (await StatusOrNullAsync().ConfigureAwait(false) is { } s && s.Height >= head && !s.Syncing
                    && LiarClaim(s) >= liarClaim)
                {
                    return true;
                }

                // A node whose consensus driver stopped it still answers status here: say so.
                _last += $"; health {await HealthAsync().ConfigureAwait(false)}; stopped by its driver: {Fatal ?? "no"}";
                return false;
            },
            Remaining(deadline), () => $"{_name} at height {head}, not syncing, the liar's claim heard (last read: {_last}; {note()})");

    /// <summary>
    /// Reads the node's status until <paramref name="until"/> holds and returns every read that said "syncing".
    /// <paramref name="until"/> is checked before each read, so the last read comes after it held.
    /// </summary>
    public async Task<List<string>> SyncingReportsUntilAsync(Func<bool> until, DateTime deadline, string what, Func<string> note)
    {
        var reports = new List<string>();
        await Eventually.HoldsAsync(async () =>
        {
            var done = until();
            if (await StatusOrNullAsync().ConfigureAwait(false) is { Syncing: true } status)
            {
                reports.Add($"{DateTime.UtcNow:HH:mm:ss.fff} at height {status.Height}");
            }

            return done;
        }, Remaining(deadline), () => $"{what} (last read: {_last}; {note()})").ConfigureAwait(false);
        return reports;
    }

    /// <summary>The node's gRPC health (its consensus loop runs), or a description of why it did not answer.</summary>
    public async Task<string> HealthAsync()
    {
        try
        {
            var health = await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5))
                .ConfigureAwait(false);
            return health.Status.ToString();
        }
        catch (RpcException e)
        {
            return $"no answer: {e.StatusCode} {e.Status.Detail}";
        }
    }

    /// <summary>Why the node's consensus driver stopped it, or null.</summary>
    public string? Fatal => _net.Fatal(_slot);

    public void Dispose() => _channel.Dispose();

    private async Task<NodeStatus?> StatusOrNullAsync()
    {
        try
        {
            var s = await _api.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5)).ConfigureAwait(false);
            _last = $"height {s.Height}, syncing {(s.Syncing ? "yes" : "no")}, peer heads " +
                string.Join(" ", s.Peers.Select(p => $"{p.Endpoint}={p.Height}{(IsLiar(p) ? " (liar)" : "")}"));
            return s;
        }
        catch (RpcException e)
        {
            // Keep polling: a node that stopped for good fails at the deadline with this as the last thing read.
            _last = $"{_name} does not answer: {e.StatusCode} {e.Status.Detail}";
            return null;
        }
    }

    private ulong LiarClaim(NodeStatus status) => status.Peers.FirstOrDefault(IsLiar)?.Height ?? 0;

    private bool IsLiar(PeerInfo peer) => string.Equals(peer.Endpoint, _liarUrl, StringComparison.OrdinalIgnoreCase);

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
