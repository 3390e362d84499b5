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

    /// <summary>Spare nodes a reconfiguring run may add (they follow from the start).</summary>
    public const int Spares = 2;

    public RandomRun(int seed, int validators, Faults faults)
    {
        Faults = faults;
        // The plan draws from its own source, so the schedule does not shift when the network's draws change.
        _plan = new Random(unchecked((seed * 7919) + 17));
        Simulation = faults.HasFlag(Faults.Reconfigure)
            ? new Simulation(seed, validators, spares: Spares, changes: PlanMembership(validators))
            : new Simulation(seed, validators);
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
            stalled, recovered ? sim.Now - healedAt : null, sim.Now, sim.Schedule.Sets.Count - 1);
    }

    /// <summary>
    /// Add a spare, rotate a genesis validator's key, add the other spare, remove one member: each approved a few
    /// blocks after the last took effect, while the chaos runs (a change whose block the chain never reaches never
    /// happens). Never below the genesis size, so the faults drawn for genesis's f stay within every set's f.
    /// </summary>
    private List<PlannedChange> PlanMembership(int validators)
    {
        var changes = new List<PlannedChange>();
        var at = 2UL + (ulong)_plan.Next(4);
        var members = Enumerable.Range(0, validators).ToList();
        void Plan(MembershipOp op, int node)
        {
            changes.Add(new PlannedChange(at, op, node));
            at += Consensus.Governance.GovernanceRules.ActivationDelay + (ulong)_plan.Next(4);
        }

        Plan(MembershipOp.Add, validators);
        members.Add(validators);
        Plan(MembershipOp.Rotate, _plan.Next(validators));
        Plan(MembershipOp.Add, validators + 1);
        members.Add(validators + 1);
        Plan(MembershipOp.Remove, members[_plan.Next(members.Count)]);
        return changes;
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
                var groups = Enumerable.Range(0, sim.Nodes.Count).Select(_ => _plan.Next(2)).ToArray();
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
public sealed record RunResult(int Seed, ulong CommittedHeights, IReadOnlyList<string> Violations, bool Stalled, long? TicksToRecover, long Ticks,
    int MembershipChanges = 0);
