using System.Globalization;
using VoteChain.Node.Bench;

namespace VoteChain.Node.Chaos;

/// <summary>
/// A chaos run's verdict. <see cref="Line"/> is the run's last line, in a form scripts and the issue tracker rely on:
/// <c>cycles=N acked=N lost=N forks=N double_signs=N recoveries_p99_ms=N audit=ok|failed</c>.
/// </summary>
internal sealed record ChaosSummary(IReadOnlyList<ChaosCycle> Cycles, long RecoveryBoundMs, LoadVerdict Verdict)
{
    public int Acked => Verdict.Acked;

    public int Lost => Verdict.Lost;

    public int Forks => Verdict.Forks;

    public int DoubleSigns => Verdict.DoubleSigns;

    public bool AuditOk => Verdict.AuditOk;

    /// <summary>Cycles after which the victims did not recover within the bound.</summary>
    public int Unrecovered => Cycles.Count(c => c.RecoveryMs is null);

    /// <summary>p99 of the recovery times; a cycle that did not recover counts as the bound it passed.</summary>
    public long RecoveriesP99Ms
    {
        get
        {
            var sorted = Cycles.Select(c => (double)(c.RecoveryMs ?? RecoveryBoundMs)).Order().ToList();
            return sorted.Count == 0 ? 0 : (long)BenchRun.Percentile(sorted, 0.99);
        }
    }

    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"cycles={Cycles.Count} acked={Acked} lost={Lost} forks={Forks} double_signs={DoubleSigns} recoveries_p99_ms={RecoveriesP99Ms} audit={(AuditOk ? "ok" : "failed")}");

    /// <summary>Why the run failed, or null: the load's verdict, or a cycle that never recovered.</summary>
    public string? Failure =>
        Verdict.Failure ?? (Unrecovered > 0 ? $"{Unrecovered} cycles did not recover within the bound" : null);
}
