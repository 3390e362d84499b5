using System.Globalization;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Client;

namespace VoteChain.Node.Chaos;

/// <summary>What a chaos run is asked to do.</summary>
internal sealed record ChaosSettings(int Cycles, double Rate, int Voters, int Seed, TimeSpan MaxDown, TimeSpan RecoveryBound);

/// <summary>
/// <c>votechain devnet chaos</c>: an election, then a steady open-loop load while <see cref="ChaosFaults"/> runs its
/// cycles, then the load stops and <see cref="LoadSession.FinishAsync"/> judges the chain the nodes agree on, and the
/// audit replays it. The last line sums it up in the fixed form scripts read (<see cref="ChaosSummary"/>).
/// </summary>
internal sealed class ChaosRunner(ChaosNetwork network, ClientTls tls, TextWriter output)
{
    public async Task<ChaosSummary> RunAsync(ChaosSettings settings, ISigner authority, CancellationToken cancellation)
    {
        await using var session = await LoadSession.StartAsync(network, tls, authority, settings.Voters, settings.Rate, "chaos", output,
            cancellation).ConfigureAwait(false);
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
                $"cycle {i}/{settings.Cycles}: {cycle.Fault} {string.Join('+', cycle.Nodes)} for {cycle.DownMs} ms; {recovery}; {session.Load.Acked.Count} votes acknowledged so far"));
        }

        var verdict = await session.FinishAsync(cancellation).ConfigureAwait(false);
        return new ChaosSummary(cycles, (long)settings.RecoveryBound.TotalMilliseconds, verdict);
    }
}
