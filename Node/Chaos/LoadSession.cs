using VoteChain.Consensus.Crypto;
using VoteChain.Node.Bench;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Verify;

namespace VoteChain.Node.Chaos;

/// <summary>
/// A long vote load on the devnet, as chaos runs and soaks use it: the election (<see cref="LoadElection"/>), the
/// open-loop load and the chain it follows (<see cref="ChaosLoad"/>), started together; and at the end the checks that
/// judge what the network acknowledged (<see cref="FinishAsync"/>).
/// </summary>
internal sealed class LoadSession : IAsyncDisposable
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    private readonly ChaosNetwork _network;
    private readonly ClientTls _tls;
    private readonly Protos.V1.Genesis _genesis;
    private readonly List<NodeClient> _clients;
    private readonly double _rate;
    private readonly TextWriter _output;
    private CancellationTokenSource? _running;
    private Task _sending = Task.CompletedTask;
    private Task _watching = Task.CompletedTask;

    private LoadSession(ChaosNetwork network, ClientTls tls, List<NodeClient> clients, double rate, TextWriter output)
    {
        _network = network;
        _tls = tls;
        _genesis = VerifyGenesis.Load(network.Layout.GenesisPath);
        _clients = clients;
        _rate = rate;
        _output = output;
    }

    public ChaosLoad Load { get; private set; } = null!;

    /// <summary>Registers <paramref name="voters"/> in a new revoting election, then starts offering <paramref name="rate"/> votes/s.</summary>
    public static async Task<LoadSession> StartAsync(ChaosNetwork network, ClientTls tls, ISigner authority, int voters, double rate,
        string name, TextWriter output, CancellationToken cancellation)
    {
        var session = new LoadSession(network, tls, [.. network.Validators.Select(v => new NodeClient(network.Layout.Url(v), tls))], rate, output);
        try
        {
            var election = await LoadElection.PrepareAsync(new BenchRunner(session._clients, authority, TextWriter.Null), voters, rate, name,
                output, cancellation).ConfigureAwait(false);
            session.Load = new ChaosLoad(network, election.SignVote, rate);
            var from = await network.NetworkHeightAsync(except: -1, cancellation).ConfigureAwait(false);
            session._running = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            session._sending = session.Load.SendAsync(session._running.Token);
            session._watching = session.Load.WatchAsync(from, session._running.Token);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops the load, waits for the nodes to reach one height, reads the blocks up to it, and checks: no fork, no
    /// double sign, the acknowledged votes' receipts (every one, or an even spread of <paramref name="receiptSample"/>
    /// of them: an hour's soak acknowledges millions), and the audit from genesis. Each finding is written out.
    /// </summary>
    public async Task<LoadVerdict> FinishAsync(CancellationToken cancellation, int? receiptSample = null)
    {
        await StopAsync().ConfigureAwait(false);
        _output.WriteLine($"load stopped: {Load.Sent} votes sent at {_rate} votes/s, {Load.Refused} refused, {Load.Unsent} taken by no validator");

        var checks = new ChaosChecks(_network, _genesis);
        var height = await checks.ConvergeAsync(SettleTimeout, cancellation).ConfigureAwait(false);
        if (height is null)
        {
            _output.WriteLine($"the nodes did not reach one height within {SettleTimeout.TotalSeconds:0} s");
        }

        var top = height ?? await _network.NetworkHeightAsync(except: -1, cancellation).ConfigureAwait(false);
        while (await Load.CatchUpAsync(cancellation).ConfigureAwait(false) < top)
        {
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }

        var forks = height is { } agreed ? await checks.ForksAsync(agreed, cancellation).ConfigureAwait(false) : [];
        var doubleSigns = await checks.DoubleSignsAsync(cancellation).ConfigureAwait(false);
        var stride = receiptSample is { } sample && sample < Load.Acked.Count ? Load.Acked.Count / sample : 1;
        var checkedVotes = Load.Acked.Where((_, i) => i % stride == 0).ToDictionary(StringComparer.Ordinal);
        var lost = await checks.LostAsync(checkedVotes, cancellation).ConfigureAwait(false);
        _output.WriteLine($"receipts: {checkedVotes.Count} of {Load.Acked.Count} acknowledged votes checked, {lost.Count} not in the chain where acknowledged");
        foreach (var line in lost.Take(10).Select(l => $"lost: {l}")
            .Concat(forks.Take(10).Select(h => $"fork at height {h}: the nodes serve different blocks"))
            .Concat(doubleSigns.Select(e => $"double sign: validator {e.ValidatorIndex} at height {e.Height} view {e.View} ({e.Kind})")))
        {
            _output.WriteLine(line);
        }

        var audit = AuditCommand.Audit(_genesis, _network.Layout.Url(0), _tls, TextWriter.Null, quiet: true);
        _output.WriteLine(audit.Ok
            ? $"audit: {audit.Transactions} transactions in {audit.Height} blocks replayed from genesis, every tally recounted: ok"
            : $"audit failed: {audit.Problems[0]}");
        return new LoadVerdict(Load.Acked.Count, lost.Count, forks.Count + (height is null ? 1 : 0), doubleSigns.Count, audit.Ok);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _clients.ForEach(c => c.Dispose());
    }

    /// <summary>Stops offering votes and following the chain; returns once every send is answered.</summary>
    private async Task StopAsync()
    {
        if (_running is null)
        {
            return;
        }

        await _running.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_sending, _watching).ConfigureAwait(false);
        _running.Dispose();
        _running = null;
    }
}
