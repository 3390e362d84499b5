namespace VoteChain.Simulation;

/// <summary>
/// One seeded random run: a chaos phase with the chosen faults (at most f validators faulty for good, honest ones
/// crashing and restarting, partitions forming and healing, lossy links), then a healed phase in which every honest
/// node must commit new heights within a bound stated in ticks.
/// </summary>
public sealed class RandomRun
{
    public const int ChaosTicks = 300;
    public const int HeightsAfterHeal = 3;
    public const int LivenessBoundTicks = 1_500;

    private readonly Random _plan;

    public RandomRun(int seed, int validators, Faults faults)
    {
        Faults = faults;
        Simulation = new Simulation(seed, validators);
        // The plan draws from its own source, so the schedule does not shift when the network's draws change.
        _plan = new Random(unchecked((seed * 7919) + 17));
    }

    public Faults Faults { get; }

    public Simulation Simulation { get; }

    public RunResult Execute()
    {
        var sim = Simulation;
        var network = sim.Network;
        network.DropRate = Faults.HasFlag(Faults.Drop) ? _plan.NextDouble() * 0.15 : 0;
        network.DuplicateRate = Faults.HasFlag(Faults.Duplicate) ? _plan.NextDouble() * 0.1 : 0;
        network.MaxDelay = Faults.HasFlag(Faults.Delay) ? 1 + _plan.Next(6) : 1;
        network.Reorder = Faults.HasFlag(Faults.Reorder);

        var events = PlanChaos();
        for (var tick = 1; tick <= ChaosTicks && sim.Violations.Count == 0; tick++)
        {
            foreach (var action in events.Where(e => e.Tick == tick))
            {
                action.Run(sim);
            }

            sim.Tick();
        }

        // Heal: the network reconnects and every honest node that crashed comes back.
        sim.Heal();
        foreach (var node in sim.Nodes.Where(n => n.Honest && !n.Up && !_crashedForGood.Contains(n.Index)))
        {
            sim.Restart(node.Index);
        }

        var live = sim.Nodes.Where(n => n.Honest && n.Up).ToList();
        foreach (var node in live)
        {
            node.HeightAtHeal = node.Ledger.Height;
        }

        var healedAt = sim.Now;
        var recovered = sim.RunUntil(() => live.All(n => n.Ledger.Height >= n.HeightAtHeal + HeightsAfterHeal), LivenessBoundTicks);
        var stalled = !recovered && sim.Violations.Count == 0;
        if (stalled)
        {
            sim.Trace.Add(sim.Now, $"stall: heights {string.Join(",", live.Select(n => $"{n.Index}:{n.Ledger.Height}"))} not {HeightsAfterHeal} above heal");
        }

        return new RunResult(sim.Seed, sim.Nodes.Where(n => n.Honest).Max(n => n.Ledger.Height), sim.Violations.ToList(),
            stalled, recovered ? sim.Now - healedAt : null, sim.Now);
    }

    private readonly HashSet<int> _crashedForGood = [];

    private List<ScheduledEvent> PlanChaos()
    {
        var sim = Simulation;
        var n = sim.Validators.Count;
        var events = new List<ScheduledEvent>();
        var order = Enumerable.Range(0, n).OrderBy(_ => _plan.Next()).ToList();
        var behaviors = Behaviors();
        var faulty = behaviors.Count > 0 || Faults.HasFlag(Faults.Crash) ? _plan.Next(sim.Validators.MaxFaulty + 1) : 0;
        if ((Faults & Faults.ByzAttacks) != 0)
        {
            // The named attacks are what such a sweep is for: always at least one liar.
            faulty = Math.Max(1, faulty);
        }

        foreach (var node in order.Take(faulty))
        {
            if (behaviors.Count > 0 && (!Faults.HasFlag(Faults.Crash) || _plan.Next(3) > 0))
            {
                var behavior = behaviors[_plan.Next(behaviors.Count)];
                events.Add(new ScheduledEvent(1 + _plan.Next(ChaosTicks / 2), s => s.MakeByzantine(node, behavior)));
            }
            else
            {
                _crashedForGood.Add(node);
                events.Add(new ScheduledEvent(1 + _plan.Next(ChaosTicks), s => s.Crash(node)));
            }
        }

        if (Faults.HasFlag(Faults.Crash))
        {
            // Honest validators crash and restart from their sign-state and blocks, maybe more than f at once.
            foreach (var node in order.Skip(faulty).Take(_plan.Next(3)))
            {
                var down = 1 + _plan.Next(ChaosTicks - 20);
                events.Add(new ScheduledEvent(down, s => s.Crash(node)));
                events.Add(new ScheduledEvent(down + 1 + _plan.Next(ChaosTicks - down), s => s.Restart(node)));
            }
        }

        if (Faults.HasFlag(Faults.Partition))
        {
            for (var episode = _plan.Next(3); episode > 0; episode--)
            {
                var groups = Enumerable.Range(0, n).Select(_ => _plan.Next(2)).ToArray();
                var start = 1 + _plan.Next(ChaosTicks - 10);
                events.Add(new ScheduledEvent(start, s => s.Partition(groups)));
                events.Add(new ScheduledEvent(start + 1 + _plan.Next(ChaosTicks - start), s => s.Heal()));
            }
        }

        return events;
    }

    /// <summary>The Byzantine behaviours these faults allow.</summary>
    private List<Byzantine> Behaviors()
    {
        var behaviors = new List<Byzantine>();
        if (Faults.HasFlag(Faults.Byzantine))
        {
            behaviors.AddRange([Byzantine.Silent, Byzantine.EquivocatingPrimary, Byzantine.ConflictingVotes, Byzantine.BadSignatures,
                Byzantine.ReplayOld, Byzantine.InvalidBlocks]);
        }

        AddIf(Faults.ByzBodySwap, Byzantine.BodySwap);
        AddIf(Faults.ByzViewSteer, Byzantine.ViewSteer);
        AddIf(Faults.ByzLyingSync, Byzantine.LyingSync);
        AddIf(Faults.ByzTimeSkew, Byzantine.TimeSkew);
        return behaviors;

        void AddIf(Faults flag, Byzantine behavior)
        {
            if (Faults.HasFlag(flag))
            {
                behaviors.Add(behavior);
            }
        }
    }

    private sealed record ScheduledEvent(int Tick, Action<Simulation> Run);
}

/// <summary>What a run produced: the first violations, whether it stalled, and how long recovery took.</summary>
public sealed record RunResult(int Seed, ulong CommittedHeights, IReadOnlyList<string> Violations, bool Stalled, long? TicksToRecover, long Ticks);
