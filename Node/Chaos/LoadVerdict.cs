using VoteChain.Node.Cli.Verify;
using VoteChain.Node.Cli.Client;

namespace VoteChain.Node.Chaos;

/// <summary>What the end of a long load showed: the chain the nodes agree on, judged against what was acknowledged.</summary>
internal sealed record LoadVerdict(int Acked, int Lost, int Forks, int DoubleSigns, bool AuditOk)
{
    /// <summary>Why the run failed, or null: any loss, fork or double sign, a failed audit, or no vote acknowledged at all.</summary>
    public string? Failure =>
        Lost > 0 ? $"{Lost} acknowledged votes are not in the chain"
        : Forks > 0 ? $"the nodes disagree on {Forks} heights (or never reached one height)"
        : DoubleSigns > 0 ? $"{DoubleSigns} double signs were recorded"
        : !AuditOk ? "the audit failed"
        : Acked == 0 ? "no vote was acknowledged: the load never got through"
        : null;

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Stops the load, waits for the nodes to reach one height, reads the blocks up to it, and checks: no fork, no
    /// double sign, the acknowledged votes' receipts (every one, or an even spread of <paramref name="receiptSample"/>
    /// of them: an hour's soak acknowledges millions), and the audit from genesis. Each finding is written out.
    /// </summary>
    public static async Task<LoadVerdict> FinishAsync(ChaosNetwork network, ClientTls tls, Protos.V1.Genesis genesis, ChaosLoad load,
        double rate, Func<Task> stopLoad, TextWriter output, CancellationToken cancellation, int? receiptSample = null)
    {
        await stopLoad().ConfigureAwait(false);
        output.WriteLine($"load stopped: {load.Sent} votes sent at {rate} votes/s, {load.Refused} refused, {load.Unsent} taken by no validator");

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
        var stride = receiptSample is { } sample && sample < load.Acked.Count ? load.Acked.Count / sample : 1;
        var checkedVotes = load.Acked.Where((_, i) => i % stride == 0).ToDictionary(StringComparer.Ordinal);
        var lost = await checks.LostAsync(checkedVotes, cancellation).ConfigureAwait(false);
        output.WriteLine($"receipts: {checkedVotes.Count} of {load.Acked.Count} acknowledged votes checked, {lost.Count} not in the chain where acknowledged");
        foreach (var line in lost.Take(10).Select(l => $"lost: {l}")
            .Concat(forks.Take(10).Select(h => $"fork at height {h}: the nodes serve different blocks"))
            .Concat(doubleSigns.Select(e => $"double sign: validator {e.ValidatorIndex} at height {e.Height} view {e.View} ({e.Kind})")))
        {
            output.WriteLine(line);
        }

        var audit = AuditCommand.Audit(genesis, network.Layout.Url(0), tls, TextWriter.Null, quiet: true);
        output.WriteLine(audit.Ok
            ? $"audit: {audit.Transactions} transactions in {audit.Height} blocks replayed from genesis, every tally recounted: ok"
            : $"audit failed: {audit.Problems[0]}");
        return new LoadVerdict(load.Acked.Count, lost.Count, forks.Count + (height is null ? 1 : 0), doubleSigns.Count, audit.Ok);
    }
}
