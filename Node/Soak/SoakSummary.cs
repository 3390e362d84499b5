using System.Globalization;
using System.Text;
using VoteChain.Node.Chaos;

namespace VoteChain.Node.Soak;

/// <summary>
/// A soak's verdict from its samples. The load votes again and again for a fixed set of voters, so the state stays the
/// same size and only the chain grows: disk may grow with the votes (reported per vote), but memory and handles have
/// nothing to grow with once the nodes are warm. Memory growth is judged between the middle and the last third of the
/// run (the first third is warm-up: caches, the JIT, RocksDB's memtables filling); handles between the two halves.
/// </summary>
internal sealed record SoakSummary(IReadOnlyList<SoakSample> Samples, LoadVerdict Verdict, double Minutes)
{
    /// <summary>Memory may grow by this much (percent) from the middle third to the last before it counts as a leak.</summary>
    public const double MaxRssGrowthPercent = 20;

    /// <summary>Handles may grow by this many from the first half's peak to the second's (sockets come and go).</summary>
    public const int MaxHandleGrowth = 32;

    /// <summary>A run shorter than this (or with fewer samples per node) is still warming up: memory growth is not judged.</summary>
    public const double MinMinutesToJudgeMemory = 10;

    public const int MinSamplesToJudgeMemory = 6;

    private IEnumerable<IGrouping<string, SoakSample>> ByNode => Samples.Where(s => s.RssBytes > 0).GroupBy(s => s.Node);

    /// <summary>The largest growth of mean RSS from the middle third to the last third over the nodes (percent); null when too short to judge.</summary>
    public double? RssGrowthPercent
    {
        get
        {
            if (Minutes < MinMinutesToJudgeMemory)
            {
                return null;
            }

            var growths = ByNode.Select(g => g.OrderBy(s => s.Minutes).ToList()).Where(s => s.Count >= MinSamplesToJudgeMemory)
                .Select(s =>
                {
                    var third = s.Count / 3;
                    var middle = s.Skip(third).Take(third).Average(x => (double)x.RssBytes);
                    var last = s.Skip(s.Count - third).Average(x => (double)x.RssBytes);
                    return ((last / middle) - 1) * 100;
                }).ToList();
            return growths.Count == 0 ? null : growths.Max();
        }
    }

    /// <summary>The largest rise of a node's peak handle count from the first half of the run to the second.</summary>
    public int HandleGrowth => ByNode.Select(g => g.OrderBy(s => s.Minutes).ToList()).Where(s => s.Count >= 2)
        .Select(s => s.Skip(s.Count / 2).Max(x => x.Handles) - s.Take(s.Count / 2).Max(x => x.Handles)).DefaultIfEmpty(0).Max();

    public long RssStartBytes => ByNode.Select(g => g.MinBy(s => s.Minutes)!.RssBytes).DefaultIfEmpty(0).Max();

    public long RssEndBytes => ByNode.Select(g => g.MaxBy(s => s.Minutes)!.RssBytes).DefaultIfEmpty(0).Max();

    public long RssPeakBytes => Samples.Select(s => s.RssBytes).DefaultIfEmpty(0).Max();

    /// <summary>Growth of the largest data folder over the run.</summary>
    public long DiskGrowthBytes => Samples.GroupBy(s => s.Node)
        .Select(g => g.MaxBy(s => s.Minutes)!.DataBytes - g.MinBy(s => s.Minutes)!.DataBytes).DefaultIfEmpty(0).Max();

    public long DiskBytesPerVote => Verdict.Acked == 0 ? 0 : DiskGrowthBytes / Verdict.Acked;

    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"soak: minutes={Minutes:0.#} acked={Verdict.Acked} lost={Verdict.Lost} forks={Verdict.Forks} double_signs={Verdict.DoubleSigns} " +
        $"rss_mb_start={Mb(RssStartBytes)} rss_mb_end={Mb(RssEndBytes)} rss_mb_peak={Mb(RssPeakBytes)} " +
        $"rss_growth_pct={(RssGrowthPercent is { } g ? g.ToString("0.#", CultureInfo.InvariantCulture) : "n/a")} " +
        $"handle_growth={HandleGrowth} disk_mb={Mb(DiskGrowthBytes)} disk_bytes_per_vote={DiskBytesPerVote} " +
        $"audit={(Verdict.AuditOk ? "ok" : "failed")}");

    /// <summary>Why the soak failed, or null.</summary>
    public string? Failure =>
        Verdict.Failure
        ?? (RssGrowthPercent > MaxRssGrowthPercent ? $"memory grew {RssGrowthPercent:0.#}% from the middle to the last third of the run (bound {MaxRssGrowthPercent}%)"
        : HandleGrowth > MaxHandleGrowth ? $"open handles grew by {HandleGrowth} from the first half of the run to the second (bound {MaxHandleGrowth})"
        : null);

    public string Csv()
    {
        var csv = new StringBuilder("minutes,node,rss_bytes,handles,threads,data_bytes,height,votes_acknowledged\n");
        foreach (var s in Samples)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{s.Minutes:0.###},{s.Node},{s.RssBytes},{s.Handles},{s.Threads},{s.DataBytes},{s.Height?.ToString(CultureInfo.InvariantCulture) ?? ""},{s.VotesAcknowledged}\n");
        }

        return csv.ToString();
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
