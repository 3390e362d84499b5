using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Node.Devnet;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Chaos;

/// <summary>
/// The running devnet a chaos run works on: an API client per node, and the faults it can inflict on one node (a
/// SIGKILL and a restart through the devnet, or a SIGSTOP and SIGCONT). Which nodes are down right now is kept here, so
/// the load sends nothing to them and the checks wait for the others.
/// </summary>
internal sealed class ChaosNetwork : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(60);
    private readonly GrpcChannel[] _channels;
    private readonly bool[] _down;

    public ChaosNetwork(DevnetLayout layout)
    {
        Layout = layout;
        Control = new DevnetControl(layout);
        if (Control.RunningDevnet() is null)
        {
            throw new UserInputException($"no devnet is running in {layout.Folder}; start it with: votechain devnet --dir {layout.Folder} --observers 1");
        }

        _channels = [.. Enumerable.Range(0, layout.Count).Select(layout.Channel)];
        Api = [.. _channels.Select(c => new VoteChainApi.VoteChainApiClient(c))];
        _down = new bool[layout.Count];
    }

    public DevnetLayout Layout { get; }

    public DevnetControl Control { get; }

    public IReadOnlyList<VoteChainApi.VoteChainApiClient> Api { get; }

    public int Count => Layout.Count;

    public IEnumerable<int> Validators => Enumerable.Range(0, Layout.Validators);

    public bool IsDown(int node)
    {
        lock (_down)
        {
            return _down[node];
        }
    }

    public static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    /// <summary>The node's committed height, or null when it does not answer in time.</summary>
    public async Task<ulong?> HeightAsync(int node, CancellationToken cancellation)
    {
        try
        {
            return (await Api[node].GetStatusAsync(new GetStatusRequest(), deadline: Deadline(), cancellationToken: cancellation)).Height;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>The highest height any node but <paramref name="except"/> answers with.</summary>
    public async Task<ulong> NetworkHeightAsync(int except, CancellationToken cancellation)
    {
        var heights = await Task.WhenAll(Enumerable.Range(0, Count).Where(n => n != except && !IsDown(n))
            .Select(n => HeightAsync(n, cancellation))).ConfigureAwait(false);
        return heights.Max(h => h ?? 0);
    }

    /// <summary>SIGKILL: the node dies wherever it was, mid-write included; nothing of it runs until <see cref="RestartAsync"/>.</summary>
    public void Kill(int node)
    {
        SetDown(node, true);
        var pid = Control.RunningNode(node) ?? throw new InvalidOperationException($"{Layout.Name(node)} is not running, so it cannot be killed");
        PosixSignals.Send(pid, PosixSignals.Kill);
    }

    /// <summary>Asks the devnet to start the node again and waits until it has.</summary>
    public async Task RestartAsync(int node, CancellationToken cancellation)
    {
        Control.Ask(node, NodeRequest.Restart);
        var deadline = DateTime.UtcNow + RestartTimeout;
        while (Control.IsAsked(node, NodeRequest.Restart))
        {
            if (DateTime.UtcNow > deadline || Control.RunningDevnet() is null)
            {
                Control.Done(node, NodeRequest.Restart);
                throw new UserInputException($"the devnet in {Layout.Folder} did not restart {Layout.Name(node)} within {RestartTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(50, cancellation).ConfigureAwait(false);
        }

        SetDown(node, false);
    }

    /// <summary>SIGSTOP: the process freezes with its sockets open (a hung node, not a dead one) until <see cref="Resume"/>.</summary>
    public int Pause(int node)
    {
        var pid = Control.RunningNode(node) ?? throw new InvalidOperationException($"{Layout.Name(node)} is not running, so it cannot be paused");
        SetDown(node, true);
        PosixSignals.Send(pid, PosixSignals.Stop);
        return pid;
    }

    public void Resume(int node, int pid)
    {
        PosixSignals.Send(pid, PosixSignals.Continue);
        SetDown(node, false);
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private void SetDown(int node, bool down)
    {
        lock (_down)
        {
            _down[node] = down;
        }
    }
}
