using System.Diagnostics;
using System.Globalization;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Chaos;
using VoteChain.Node.Cli.Client;

namespace VoteChain.Node.Soak;

/// <summary>What a soak is asked to do.</summary>
internal sealed record SoakSettings(double Rate, TimeSpan Duration, TimeSpan SampleEvery, int Voters);

/// <summary>
/// <c>votechain devnet soak</c>: the chaos run's open-loop load with no faults, for a long time, sampling every node's
/// memory, handles, threads and data folder as it goes; then the same end checks as a chaos run (nothing acknowledged
/// lost, no fork, no double sign, the audit). <see cref="SoakSummary"/> judges the samples.
/// </summary>
internal sealed class SoakRunner(ChaosNetwork network, ClientTls tls, TextWriter output)
{
    /// <summary>Receipts checked at the end, spread over the acknowledged votes (the chaos run checks every one).</summary>
    private const int ReceiptSample = 50_000;

    public async Task<SoakSummary> RunAsync(SoakSettings settings, ISigner authority, CancellationToken cancellation)
    {
        await using var session = await LoadSession.StartAsync(network, tls, authority, settings.Voters, settings.Rate, "soak", output,
            cancellation).ConfigureAwait(false);
        var samples = await SampleAsync(settings, session.Load, cancellation).ConfigureAwait(false);
        var verdict = await session.FinishAsync(cancellation, ReceiptSample).ConfigureAwait(false);
        return new SoakSummary(samples, verdict, settings.Duration.TotalMinutes, session.Load.BlockBytes);
    }

    /// <summary>Samples every node at the start and then every <see cref="SoakSettings.SampleEvery"/> until the duration is up.</summary>
    private async Task<List<SoakSample>> SampleAsync(SoakSettings settings, ChaosLoad load, CancellationToken cancellation)
    {
        var samples = new List<SoakSample>();
        using var http = new HttpClient(tls.CreateHandler());
        var clock = Stopwatch.StartNew();
        for (var next = TimeSpan.Zero; next <= settings.Duration; next += settings.SampleEvery)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellation).ConfigureAwait(false);
            }

            var minutes = clock.Elapsed.TotalMinutes;
            var round = new List<SoakSample>();
            for (var node = 0; node < network.Count; node++)
            {
                var pid = network.Control.RunningNode(node);
                var data = Path.Combine(network.Layout.Home(node), "data");
                var resources = pid is { } p ? ProcessResources.Read(p, data) : null;
                var height = await network.HeightAsync(node, cancellation).ConfigureAwait(false);
                var memory = pid is null ? null : await MemoryReadings.ScrapeAsync(http, network.Layout.WebUrl(node), cancellation).ConfigureAwait(false);
                round.Add(new SoakSample(minutes, network.Layout.Name(node), resources?.RssBytes ?? 0, resources?.Handles ?? 0,
                    resources?.Threads ?? 0, ProcessResources.FolderBytes(data), height, load.Acked.Count, resources?.DataHandles ?? 0, memory));
            }

            samples.AddRange(round);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"minute {minutes:0.0}: {load.Acked.Count} votes acknowledged; RSS MB {string.Join(' ', round.Select(s => s.RssBytes / (1024 * 1024)))}; " +
                $"handles {string.Join(' ', round.Select(s => s.Handles))}; data MB {string.Join(' ', round.Select(s => s.DataBytes / (1024 * 1024)))}; " +
                $"rocksdb MB {string.Join(' ', round.Select(s => Mb(s.Memory?.Memtables + s.Memory?.TableReaders + s.Memory?.BlockCache)))}; " +
                $"native heap MB {string.Join(' ', round.Select(s => $"{Mb(s.Memory?.NativeInUse)}+{Mb(s.Memory?.NativeFree)}"))}; " +
                $"managed MB {string.Join(' ', round.Select(s => Mb(s.Memory?.ManagedCommitted)))}"));
        }

        return samples;
    }

    private static string Mb(long? bytes) => bytes is { } b ? (b / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) : "?";
}
