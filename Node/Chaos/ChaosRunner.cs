using System.Diagnostics;
using System.Globalization;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Bench;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Verify;

namespace VoteChain.Node.Chaos;

/// <summary>What a chaos run is asked to do.</summary>
internal sealed record ChaosSettings(int Cycles, double Rate, int Voters, int Seed, TimeSpan MaxDown, TimeSpan RecoveryBound);

/// <summary>
/// <c>votechain devnet chaos</c>: an election, then a steady open-loop load while <see cref="ChaosFaults"/> runs its
/// cycles, then the load stops and <see cref="ChaosChecks"/> judges the chain the nodes agree on, and the audit replays
/// it. The last line sums it up in the fixed form scripts read (<see cref="ChaosSummary"/>).
/// </summary>
internal sealed class ChaosRunner(ChaosNetwork network, ClientTls tls, TextWriter output)
{
    public async Task<ChaosSummary> RunAsync(ChaosSettings settings, ISigner authority, CancellationToken cancellation)
    {
        var layout = network.Layout;
        var genesis = VerifyGenesis.Load(layout.GenesisPath);
        var clients = network.Validators.Select(v => new NodeClient(layout.Url(v), tls)).ToList();
        try
        {
            var election = await LoadElection.PrepareAsync(new BenchRunner(clients, authority, TextWriter.Null), settings.Voters,
                settings.Rate, "chaos", output, cancellation).ConfigureAwait(false);
            return await RunAsync(settings, genesis, election, cancellation).ConfigureAwait(false);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private async Task<ChaosSummary> RunAsync(ChaosSettings settings, Protos.V1.Genesis genesis, LoadElection election,
        CancellationToken cancellation)
    {
        var layout = network.Layout;
        var load = new ChaosLoad(network, election.SignVote, settings.Rate);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var from = await network.NetworkHeightAsync(except: -1, cancellation).ConfigureAwait(false);
        var sending = load.SendAsync(stopLoad.Token);
        var watching = load.WatchAsync(from, stopLoad.Token);

        var faults = new ChaosFaults(network, new Random(settings.Seed), settings.RecoveryBound, settings.MaxDown);
        var cycles = new List<ChaosCycle>();
        for (var i = 1; i <= settings.Cycles; i++)
        {
            // Some load between faults, so every cycle starts from a network that commits.
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation).ConfigureAwait(false);
            var cycle = await faults.RunCycleAsync(i, cancellation).ConfigureAwait(false);
            cycles.Add(cycle);
            var recovery = cycle.RecoveryMs is { } ms
                ? string.Create(CultureInfo.InvariantCulture, $"recovered in {ms} ms")
                : string.Create(CultureInfo.InvariantCulture, $"NOT recovered within {settings.RecoveryBound.TotalSeconds:0} s");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cycle {i}/{settings.Cycles}: {cycle.Fault} {string.Join('+', cycle.Nodes)} for {cycle.DownMs} ms; {recovery}; {load.Acked.Count} votes acknowledged so far"));
        }

        var verdict = await LoadVerdict.FinishAsync(network, tls, genesis, load, settings.Rate, async () =>
        {
            await stopLoad.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sending, watching).ConfigureAwait(false);
        }, output, cancellation).ConfigureAwait(false);
        return new ChaosSummary(cycles, (long)settings.RecoveryBound.TotalMilliseconds, verdict);
    }
}
