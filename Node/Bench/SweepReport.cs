using System.Globalization;

namespace VoteChain.Node.Bench;

/// <summary>The steps of `bench --sweep`: from <see cref="StartRate"/>, each <see cref="Factor"/> times the last, up to <see cref="MaxRate"/>.</summary>
internal sealed record SweepSettings(double StartRate, double Factor, double MaxRate, double StepSeconds, double MaxP99Ms)
{
    public IReadOnlyList<double> Rates()
    {
        var rates = new List<double>();
        // Each step at least one vote/s above the last, so a factor close to 1 on a low rate still climbs.
        for (var rate = StartRate; rate <= MaxRate && rates.Count < 64; rate = Math.Max(rate + 1, Math.Round(rate * Factor)))
        {
            rates.Add(rate);
        }

        return rates;
    }

    public int VotesAt(double rate) => (int)Math.Ceiling(rate * StepSeconds);
}

/// <summary>One open-loop step: what was offered, what committed, its latency, and whether the node kept up.</summary>
internal sealed record SweepStep(double OfferedVotesPerSecond, double CommittedVotesPerSecond, int VotesRefused, double LatencyP50Ms,
    double LatencyP99Ms, double LatencyP999Ms, double LatencyMaxMs, double FractionOfLimit, bool Sustained)
{
    /// <summary>Sustained: at least 95 % of the offered rate committed, nothing refused, p99 within the bound.</summary>
    public static SweepStep From(double offered, BenchReport report, double maxP99Ms) => new(offered, report.CommittedVotesPerSecond,
        report.VotesRefused, report.LatencyP50Ms, report.LatencyP99Ms, report.LatencyP999Ms, report.LatencyMaxMs, report.FractionOfLimit,
        report.CommittedVotesPerSecond >= 0.95 * offered && report.VotesRefused == 0 && report.LatencyP99Ms <= maxP99Ms);

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"offered {OfferedVotesPerSecond,8:N0}/s  committed {CommittedVotesPerSecond,8:N0}/s  p50 {LatencyP50Ms,7:N0} ms  p99 {LatencyP99Ms,7:N0} ms  " +
        $"p99.9 {LatencyP999Ms,7:N0} ms  refused {VotesRefused,6:N0}  {(Sustained ? "sustained" : "NOT sustained")}");
}

/// <summary>`bench --sweep --json` (written as sweep.json next to sweep.svg and sweep.png).</summary>
internal sealed record SweepReport(string Election, double StepSeconds, double MaxP99Ms, int Validators, int Cores,
    double Ed25519VerificationsPerSecondOneCore, double LimitVotesPerSecond, double HighestSustainableVotesPerSecond,
    IReadOnlyList<SweepStep> Steps)
{
    public double FractionOfLimitAtHighest => LimitVotesPerSecond > 0 ? HighestSustainableVotesPerSecond / LimitVotesPerSecond : 0;
}
