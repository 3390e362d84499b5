using System.Globalization;
using System.Text;
using VoteChain.Node.Chaos;

namespace VoteChain.Node.Soak;

/// <summary>
/// A soak's verdict from its samples. The load votes again and again for a fixed set of voters, so the state stays the
/// same size and only the chain grows: the data folders may grow with the chain (judged against the bytes of the blocks
/// committed), but memory, handles and threads have nothing to grow with once the nodes are warm. Those are judged by
/// the slope of a straight line fitted to each node's samples after the first third of the run (warm-up: caches, the
/// JIT, RocksDB's memtables filling), projected to an hour; runs shorter than <see cref="MinMinutesToJudge"/> are
/// still warming up and get no such verdict. A node not running at a sample fails the soak outright.
/// </summary>
internal sealed record SoakSummary(IReadOnlyList<SoakSample> Samples, LoadVerdict Verdict, double Minutes, long ChainBytes = 0)
{
    public const double MinMinutesToJudge = 10;

    /// <summary>Resident memory may grow by this much (percent of its level after warm-up) per hour.</summary>
    public const double MaxRssGrowthPercentPerHour = 20;

    /// <summary>Open handles other than the data folder's files (sockets, pipes, other files) may grow by this many per hour.</summary>
    public const double MaxHandleGrowthPerHour = 30;

    /// <summary>Threads may grow by this many per hour.</summary>
    public const double MaxThreadGrowthPerHour = 20;

    /// <summary>A data folder may grow by this many bytes per byte of committed block (the block, its index, its state changes, LSM slack).</summary>
    public const double MaxDiskBytesPerChainByte = 10;

    private IEnumerable<List<SoakSample>> AfterWarmUp => Samples.Where(s => s.RssBytes > 0).GroupBy(s => s.Node).Select(g => g.OrderBy(s => s.Minutes).ToList())
        .Select(s => s.Skip(s.Count / 3).ToList()).Where(s => s.Count >= 3);

    private bool Judged => Minutes >= MinMinutesToJudge;

    /// <summary>The largest growth of a node's RSS after warm-up, percent of its mean there per hour; null for a run too short to judge.</summary>
    public double? RssGrowthPercentPerHour => Judged
        ? AfterWarmUp.Select(s => SlopePerHour(s, x => x.RssBytes) / s.Average(x => (double)x.RssBytes) * 100).DefaultIfEmpty(0).Max()
        : null;

    /// <summary>Growth of handles other than the data folder's files (RocksDB holds each table file open: those grow with the data).</summary>
    public double? HandleGrowthPerHour => Judged ? AfterWarmUp.Select(s => SlopePerHour(s, x => x.OtherHandles)).DefaultIfEmpty(0).Max() : null;

    public double? ThreadGrowthPerHour => Judged ? AfterWarmUp.Select(s => SlopePerHour(s, x => x.Threads)).DefaultIfEmpty(0).Max() : null;

    /// <summary>Samples taken while a node had no running process.</summary>
    public IEnumerable<SoakSample> Missing => Samples.Where(s => s.RssBytes == 0);

    public long RssStartBytes => Samples.GroupBy(s => s.Node).Select(g => g.MinBy(s => s.Minutes)!.RssBytes).DefaultIfEmpty(0).Max();

    public long RssEndBytes => Samples.GroupBy(s => s.Node).Select(g => g.MaxBy(s => s.Minutes)!.RssBytes).DefaultIfEmpty(0).Max();

    public long RssPeakBytes => Samples.Select(s => s.RssBytes).DefaultIfEmpty(0).Max();

    /// <summary>Growth of the largest data folder over the run.</summary>
    public long DiskGrowthBytes => Samples.GroupBy(s => s.Node)
        .Select(g => g.MaxBy(s => s.Minutes)!.DataBytes - g.MinBy(s => s.Minutes)!.DataBytes).DefaultIfEmpty(0).Max();

    public long DiskBytesPerVote => Verdict.Acked == 0 ? 0 : DiskGrowthBytes / Verdict.Acked;

    /// <summary>Data folder growth per byte of committed block; null when no block was read.</summary>
    public double? DiskPerChainByte => ChainBytes == 0 ? null : (double)DiskGrowthBytes / ChainBytes;

    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"soak: minutes={Minutes:0.#} acked={Verdict.Acked} lost={Verdict.Lost} forks={Verdict.Forks} double_signs={Verdict.DoubleSigns} " +
        $"rss_mb_start={Mb(RssStartBytes)} rss_mb_end={Mb(RssEndBytes)} rss_mb_peak={Mb(RssPeakBytes)} " +
        $"rss_growth_pct_per_hour={Judge(RssGrowthPercentPerHour)} handles_per_hour={Judge(HandleGrowthPerHour)} " +
        $"threads_per_hour={Judge(ThreadGrowthPerHour)} disk_mb={Mb(DiskGrowthBytes)} disk_bytes_per_vote={DiskBytesPerVote} " +
        $"disk_per_chain_byte={Judge(DiskPerChainByte)} audit={(Verdict.AuditOk ? "ok" : "failed")}");

    /// <summary>Why the soak failed, or null.</summary>
    public string? Failure =>
        Verdict.Failure
        ?? (Missing.FirstOrDefault() is { } missing ? $"{missing.Node} was not running at minute {missing.Minutes:0.#}"
        : RssGrowthPercentPerHour > MaxRssGrowthPercentPerHour ? $"memory grew {RssGrowthPercentPerHour:0.#}% an hour after warm-up (bound {MaxRssGrowthPercentPerHour}%)"
        : HandleGrowthPerHour > MaxHandleGrowthPerHour ? $"open handles grew {HandleGrowthPerHour:0.#} an hour after warm-up (bound {MaxHandleGrowthPerHour})"
        : ThreadGrowthPerHour > MaxThreadGrowthPerHour ? $"threads grew {ThreadGrowthPerHour:0.#} an hour after warm-up (bound {MaxThreadGrowthPerHour})"
        : Judged && DiskPerChainByte > MaxDiskBytesPerChainByte ? $"the data folders grew {DiskPerChainByte:0.#} bytes per byte of chain (bound {MaxDiskBytesPerChainByte})"
        : null);

    public string Csv()
    {
        var csv = new StringBuilder("minutes,node,rss_bytes,handles,data_handles,threads,data_bytes,height,votes_acknowledged," +
            "rocksdb_memtable_bytes,rocksdb_table_reader_bytes,rocksdb_block_cache_bytes,native_heap_in_use_bytes,native_heap_free_bytes,managed_heap_committed_bytes\n");
        foreach (var s in Samples)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{s.Minutes:0.###},{s.Node},{s.RssBytes},{s.Handles},{s.DataHandles},{s.Threads},{s.DataBytes},{s.Height?.ToString(CultureInfo.InvariantCulture) ?? ""},{s.VotesAcknowledged}," +
                $"{s.Memory?.Memtables},{s.Memory?.TableReaders},{s.Memory?.BlockCache},{s.Memory?.NativeInUse},{s.Memory?.NativeFree},{s.Memory?.ManagedCommitted}\n");
        }

        return csv.ToString();
    }

    /// <summary>Least-squares slope of <paramref name="value"/> against time, per hour.</summary>
    private static double SlopePerHour(List<SoakSample> samples, Func<SoakSample, double> value)
    {
        var meanX = samples.Average(s => s.Minutes);
        var meanY = samples.Average(value);
        var spread = samples.Sum(s => (s.Minutes - meanX) * (s.Minutes - meanX));
        return spread == 0 ? 0 : samples.Sum(s => (s.Minutes - meanX) * (value(s) - meanY)) / spread * 60;
    }

    private static string Judge(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "n/a";

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
