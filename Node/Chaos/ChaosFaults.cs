using System.Diagnostics;

namespace VoteChain.Node.Chaos;

/// <summary>One cycle's fault and how long the network took to recover from it (null: not within the bound).</summary>
internal sealed record ChaosCycle(int Number, IReadOnlyList<string> Nodes, string Fault, int DownMs, long? RecoveryMs);

/// <summary>
/// The faults of a chaos run, one cycle at a time: either the observer or up to f validators (f = (n - 1) / 3, so a
/// quorum always stays up) are killed with SIGKILL and restarted, or frozen with SIGSTOP and thawed; some kills land
/// just as the network commits a block, while the victims are writing it. After the heal, the cycle waits until every
/// victim holds a block the network committed after the heal: that wait is the cycle's recovery time.
/// </summary>
internal sealed class ChaosFaults(ChaosNetwork network, Random random, TimeSpan recoveryBound, TimeSpan maxDown)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public async Task<ChaosCycle> RunCycleAsync(int number, CancellationToken cancellation)
    {
        var victims = PickVictims();
        var fault = random.Next(4) switch { 0 or 1 => "kill", 2 => "kill-at-commit", _ => "pause" };
        var downMs = random.Next(500, (int)maxDown.TotalMilliseconds + 1);
        if (fault == "kill-at-commit")
        {
            await UntilNextCommitAsync(victims, cancellation).ConfigureAwait(false);
        }

        if (fault == "pause")
        {
            var pids = victims.Select(network.Pause).ToList();
            await Task.Delay(downMs, cancellation).ConfigureAwait(false);
            for (var i = 0; i < victims.Count; i++)
            {
                network.Resume(victims[i], pids[i]);
            }
        }
        else
        {
            victims.ForEach(network.Kill);
            await Task.Delay(downMs, cancellation).ConfigureAwait(false);
            foreach (var victim in victims)
            {
                await network.RestartAsync(victim, cancellation).ConfigureAwait(false);
            }
        }

        var healed = Stopwatch.StartNew();
        var heightAtHeal = await network.NetworkHeightAsync(except: -1, cancellation).ConfigureAwait(false);
        var recovered = await RecoveredAsync(victims, heightAtHeal, cancellation).ConfigureAwait(false);
        return new ChaosCycle(number, [.. victims.Select(network.Layout.Name)], fault, downMs, recovered ? healed.ElapsedMilliseconds : null);
    }

    /// <summary>The observer alone, or one to f validators: never so many that the rest cannot form a quorum.</summary>
    private List<int> PickVictims()
    {
        var layout = network.Layout;
        var maxFaulty = (layout.Validators - 1) / 3;
        if (layout.Observers > 0 && (maxFaulty == 0 || random.Next(layout.Validators + 1) == 0))
        {
            return [layout.Validators + random.Next(layout.Observers)];
        }

        return [.. network.Validators.OrderBy(_ => random.Next()).Take(1 + random.Next(maxFaulty))];
    }

    /// <summary>Waits (bounded) until a node other than the victims reports a new height: the victims are then writing it.</summary>
    private async Task UntilNextCommitAsync(IReadOnlyList<int> victims, CancellationToken cancellation)
    {
        var witness = Enumerable.Range(0, network.Layout.Validators).First(n => !victims.Contains(n));
        var start = await network.HeightAsync(witness, cancellation).ConfigureAwait(false);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10)
            && await network.HeightAsync(witness, cancellation).ConfigureAwait(false) == start)
        {
            await Task.Delay(Poll, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<bool> RecoveredAsync(IReadOnlyList<int> victims, ulong heightAtHeal, CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        var waiting = victims.ToList();
        while (waiting.Count > 0)
        {
            if (deadline.Elapsed > recoveryBound)
            {
                return false;
            }

            var heights = await Task.WhenAll(waiting.Select(v => network.HeightAsync(v, cancellation))).ConfigureAwait(false);
            waiting = [.. waiting.Where((_, i) => !(heights[i] > heightAtHeal))];
            if (waiting.Count > 0)
            {
                await Task.Delay(Poll * 5, cancellation).ConfigureAwait(false);
            }
        }

        return true;
    }
}
