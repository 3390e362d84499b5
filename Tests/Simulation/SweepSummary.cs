namespace VoteChain.Simulation;

/// <summary>Totals over many runs, printed as one line.</summary>
public sealed class SweepSummary
{
    private readonly List<long> _recoveries = [];

    public int Seeds { get; private set; }

    public ulong CommittedHeights { get; private set; }

    public int Violations { get; private set; }

    public int Stalls { get; private set; }

    public long Ticks { get; private set; }

    public int Failures => Violations + Stalls;

    /// <summary>Validator set changes approved in a committed block (reconfiguring runs).</summary>
    public int MembershipChanges { get; private set; }

    public void Add(RunResult result)
    {
        Seeds++;
        CommittedHeights += result.CommittedHeights;
        Ticks += result.Ticks;
        Violations += result.Violations.Count > 0 ? 1 : 0;
        Stalls += result.Stalled ? 1 : 0;
        MembershipChanges += result.MembershipChanges;
        if (result.TicksToRecover is { } ticks)
        {
            _recoveries.Add(ticks);
        }
    }

    public override string ToString()
    {
        _recoveries.Sort();
        var p50 = _recoveries.Count == 0 ? 0 : _recoveries[_recoveries.Count / 2];
        var max = _recoveries.Count == 0 ? 0 : _recoveries[^1];
        var perHeight = CommittedHeights == 0 ? 0 : (double)Ticks / CommittedHeights;
        return $"seeds={Seeds} committed_heights={CommittedHeights} violations={Violations} stalls={Stalls} " +
            $"ticks_per_height={perHeight:F1} recovery_ticks_p50={p50} recovery_ticks_max={max} membership_changes={MembershipChanges}";
    }
}
