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
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    public async Task<ChaosSummary> RunAsync(ChaosSettings settings, ISigner authority, CancellationToken cancellation)
    {
        var layout = network.Layout;
        var genesis = VerifyGenesis.Load(layout.GenesisPath);
        var clients = network.Validators.Select(v => new NodeClient(layout.Url(v), tls)).ToList();
        try
        {
            var election = await PrepareAsync(settings, new BenchRunner(clients, authority, TextWriter.Null), cancellation).ConfigureAwait(false);
            return await RunAsync(settings, genesis, election, cancellation).ConfigureAwait(false);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private async Task<ChaosSummary> RunAsync(ChaosSettings settings, Protos.V1.Genesis genesis, ChaosElection election,
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

        await stopLoad.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(sending, watching).ConfigureAwait(false);
        output.WriteLine($"load stopped: {load.Sent} votes sent at {settings.Rate} votes/s, {load.Refused} refused, {load.Unsent} taken by no validator");

        var checks = new ChaosChecks(network, genesis);
        var height = await checks.ConvergeAsync(SettleTimeout, cancellation).ConfigureAwait(false);
        if (height is null)
        {
            output.WriteLine($"the nodes did not reach one height within {SettleTimeout.TotalSeconds:0} s");
        }

        var top = height ?? await network.NetworkHeightAsync(except: -1, cancellation).ConfigureAwait(false);
        while (await load.CatchUpAsync(cancellation).ConfigureAwait(false) < top)
        {
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }

        var forks = height is { } agreed ? await checks.ForksAsync(agreed, cancellation).ConfigureAwait(false) : [];
        var doubleSigns = await checks.DoubleSignsAsync(cancellation).ConfigureAwait(false);
        var lost = await checks.LostAsync(load.Acked, cancellation).ConfigureAwait(false);
        foreach (var line in lost.Take(10).Select(l => $"lost: {l}")
            .Concat(forks.Take(10).Select(h => $"fork at height {h}: the nodes serve different blocks"))
            .Concat(doubleSigns.Select(e => $"double sign: validator {e.ValidatorIndex} at height {e.Height} view {e.View} ({e.Kind})")))
        {
            output.WriteLine(line);
        }

        var audit = AuditCommand.Audit(genesis, layout.Url(0), tls, TextWriter.Null, quiet: true);
        output.WriteLine(audit.Ok
            ? $"audit: {audit.Transactions} transactions in {audit.Height} blocks replayed from genesis, every tally recounted: ok"
            : $"audit failed: {audit.Problems[0]}");
        return new ChaosSummary(cycles, (long)settings.RecoveryBound.TotalMilliseconds, load.Acked.Count, lost.Count, forks.Count + (height is null ? 1 : 0), doubleSigns.Count, audit.Ok);
    }

    private async Task<ChaosElection> PrepareAsync(ChaosSettings settings, BenchRunner bench, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var (election, seeds) = await bench.PrepareRevotingElectionAsync(settings.Voters, "chaos", cancellation).ConfigureAwait(false);
        output.WriteLine($"election {election}: {settings.Voters} voters registered in {clock.Elapsed.TotalSeconds:F1} s; each votes again every " +
            $"{settings.Voters / settings.Rate:F0} s under the load");
        return new ChaosElection(bench, election, seeds);
    }

    /// <summary>Vote k is voter k mod n's (k / n + 1)-th: the election allows revotes, so the load never runs dry.</summary>
    private sealed record ChaosElection(BenchRunner Bench, string Election, byte[][] Seeds)
    {
        public byte[] SignVote(long k) =>
            Bench.SignVote(Seeds[k % Seeds.Length], Election, (uint)(k % 4), (ulong)(k / Seeds.Length) + 1);
    }
}
