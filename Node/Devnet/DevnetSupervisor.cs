using VoteChain.Consensus.Pbft;
using VoteChain.Node.Genesis;

namespace VoteChain.Node.Devnet;

/// <summary>
/// Runs the node processes of a devnet and keeps the network going when one dies: the death is reported with what
/// the remaining validators can still do, and with restarts on the node is started again after a delay that grows
/// while it keeps dying soon after each start, so a node that crashes at startup does not spin. It also serves the
/// requests of <c>devnet restart|stop-node</c> (see <see cref="DevnetControl"/>).
/// </summary>
internal sealed class DevnetSupervisor : IDisposable
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>A node that ran this long before dying was not crash-looping: its restart waits the first delay again.</summary>
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ExitSettle = TimeSpan.FromMilliseconds(500);

    private readonly DevnetLayout _layout;
    private readonly DevnetControl _control;
    private readonly ValidatorSet _validators;
    private readonly bool _restart;
    private readonly TextWriter _output;
    private readonly Slot[] _slots;

    private DevnetSupervisor(DevnetLayout layout, DevnetControl control, bool restart, TextWriter output)
    {
        _layout = layout;
        _control = control;
        _validators = ValidatorSet.From(GenesisFile.Load(layout.GenesisPath));
        _restart = restart;
        _output = output;
        _slots = Enumerable.Range(0, layout.Count).Select(_ => new Slot()).ToArray();
    }

    /// <summary>Takes charge of the devnet's folder: refused while another devnet process runs on it.</summary>
    public static DevnetSupervisor Claim(DevnetLayout layout, bool restart, TextWriter output)
    {
        var control = new DevnetControl(layout);
        if (control.RunningDevnet() is { } other)
        {
            throw new UserInputException($"a devnet already runs in {layout.Folder} (pid {other}); stop it first");
        }

        PidFile.Write(control.SupervisorPidPath, Environment.ProcessId);
        for (var node = 0; node < layout.Count; node++)
        {
            // Requests left from a devnet that did not stop cleanly are stale: nobody waits for them any more.
            control.Done(node, NodeRequest.Restart);
            control.Done(node, NodeRequest.Stop);
        }

        return new DevnetSupervisor(layout, control, restart, output);
    }

    /// <summary>True when the node's process is not running (never started, exited, or stopped).</summary>
    public bool IsDown(int node) => _slots[node].Process is not { HasExited: false };

    public void StartAll()
    {
        for (var node = 0; node < _layout.Count; node++)
        {
            Start(node);
        }
    }

    /// <summary>Watches the nodes until <paramref name="stop"/>: reports deaths, restarts, serves requests.</summary>
    public async Task WatchAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                if (_slots.Any(s => s.Process is { HasExited: true }))
                {
                    // Ctrl-C in a terminal reaches the nodes too (they share its process group) and they may exit
                    // before this process handles its own signal: wait a moment so a clean stop is not taken for deaths.
                    await Task.Delay(ExitSettle, stop).ConfigureAwait(false);
                }

                for (var node = 0; node < _slots.Length && !stop.IsCancellationRequested; node++)
                {
                    await TendAsync(node).ConfigureAwait(false);
                }

                await Task.Delay(Poll, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Asked to stop: StopAllAsync stops the nodes.
        }
    }

    /// <summary>Stops every running node cleanly (SIGTERM, then a kill after the grace period) and removes the pid files.</summary>
    public async Task StopAllAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, _layout.Count).Select(StopAsync)).ConfigureAwait(false);
        PidFile.Delete(_control.SupervisorPidPath, Environment.ProcessId);
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Process?.Dispose();
        }
    }

    private async Task TendAsync(int node)
    {
        var slot = _slots[node];
        var name = _layout.Name(node);
        if (_control.IsAsked(node, NodeRequest.Stop))
        {
            var wasRunning = !IsDown(node);
            slot.RestartAt = null;
            await StopAsync(node).ConfigureAwait(false);
            _control.Done(node, NodeRequest.Stop);
            _output.WriteLine(wasRunning
                ? $"stopped {name} on request; {Consequence(node)}; `votechain devnet restart {name}` starts it again"
                : $"{name} was not running; it stays stopped until `votechain devnet restart {name}`");
            return;
        }

        if (_control.IsAsked(node, NodeRequest.Restart))
        {
            // A node asked for is started at once, whatever delay it was waiting out.
            await StopAsync(node).ConfigureAwait(false);
            slot.RestartAt = null;
            slot.QuickDeaths = 0;
            Start(node);
            _control.Done(node, NodeRequest.Restart);
            _output.WriteLine($"restarted {name} on request (pid {slot.Process!.Id})");
            return;
        }

        if (slot.Process is { HasExited: true } dead)
        {
            await ReportDeathAsync(node, dead).ConfigureAwait(false);
        }

        if (slot.RestartAt is { } due && due <= DateTime.UtcNow)
        {
            slot.RestartAt = null;
            Start(node);
            _output.WriteLine($"restarted {name} (pid {slot.Process!.Id})");
        }
    }

    private async Task ReportDeathAsync(int node, NodeProcess dead)
    {
        var slot = _slots[node];
        var name = _layout.Name(node);
        await dead.WaitForExitAsync().ConfigureAwait(false);
        var uptime = DateTime.UtcNow - dead.StartedAt;
        _output.WriteLine($"{name} died ({dead.ExitDescription}, pid {dead.Id}); {Consequence(node)}");
        Forget(node);
        if (!_restart)
        {
            _output.WriteLine($"{name} stays down; start it again with: votechain devnet restart {name} --dir {_layout.Folder}");
            return;
        }

        if (uptime >= StableUptime)
        {
            slot.QuickDeaths = 0;
        }

        var delay = TimeSpan.FromTicks(Math.Min(FirstDelay.Ticks << Math.Min(slot.QuickDeaths, 8), MaxDelay.Ticks));
        slot.QuickDeaths++;
        slot.RestartAt = DateTime.UtcNow + delay;
        _output.WriteLine($"restarting {name} in {delay.TotalSeconds:0} s");
    }

    /// <summary>What the network can still do with the nodes that run now, in words.</summary>
    private string Consequence(int node)
    {
        if (_layout.IsObserver(node))
        {
            return "observers take no part in consensus, the network keeps going";
        }

        var running = Enumerable.Range(0, _layout.Validators).Count(v => !IsDown(v));
        return running >= _validators.Quorum
            ? $"{running} of {_layout.Validators} validators running, the network keeps going ({_layout.Validators} validators tolerate {_validators.MaxFaulty} down)"
            : $"{running} of {_layout.Validators} validators running, too few to commit: the chain halts until {_validators.Quorum} run";
    }

    private void Start(int node)
    {
        var process = NodeProcess.Start(_layout.Home(node));
        _slots[node].Process = process;
        PidFile.Write(_control.NodePidPath(node), process.Id);
    }

    private async Task StopAsync(int node)
    {
        if (_slots[node].Process is { } process)
        {
            await process.StopAsync(StopGrace).ConfigureAwait(false);
            Forget(node);
        }
    }

    /// <summary>Drops an exited process: its log closed, its pid file removed.</summary>
    private void Forget(int node)
    {
        var process = _slots[node].Process!;
        PidFile.Delete(_control.NodePidPath(node), process.Id);
        process.Dispose();
        _slots[node].Process = null;
    }

    private sealed class Slot
    {
        public NodeProcess? Process { get; set; }

        /// <summary>When a dead node is due to start again (restarts on); null when none is planned.</summary>
        public DateTime? RestartAt { get; set; }

        /// <summary>Deaths since the node last stayed up for StableUptime: the exponent of the next restart delay.</summary>
        public int QuickDeaths { get; set; }
    }
}
