using VoteChain.Node.Chaos;
using VoteChain.Node.Cli;
using VoteChain.Node.Soak;

namespace VoteChain.Node.Tests;

/// <summary>`devnet soak` usage, how its samples are judged and drawn (the run itself: Integration's SoakScriptTests).</summary>
public sealed class SoakCommandTests
{
    private static readonly LoadVerdict Passed = new(Acked: 10_000, Lost: 0, Forks: 0, DoubleSigns: 0, AuditOk: true);

    [TestCase("--rate", "0")]
    [TestCase("--duration", "5")]
    [TestCase("--sample-seconds", "0")]
    [TestCase("--voters", "0")]
    public void Options_out_of_bounds_are_usage_errors(params string[] args)
    {
        var run = CliRun.Of(["devnet", "soak", "--dir", "/nonexistent-devnet", .. args]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
    }

    [Test]
    public void A_nodes_memory_figures_are_read_from_its_metrics_text_and_missing_ones_read_zero()
    {
        const string text = """
            # HELP votechain_storage_memory_bytes x
            # TYPE votechain_storage_memory_bytes gauge
            votechain_storage_memory_bytes{part="memtables"} 1048576
            votechain_storage_memory_bytes{part="table_readers"} 2.5e6
            votechain_storage_memory_bytes{part="block_cache"} 300
            votechain_native_heap_bytes{state="in_use"} 7000
            votechain_managed_heap_committed_bytes 9000
            dotnet_total_memory_bytes 123
            """;

        var readings = MemoryReadings.Parse(text);

        Assert.That(readings, Is.EqualTo(new MemoryReadings(1_048_576, 2_500_000, 300, 7000, 0, 9000)));
    }

    [Test]
    public void Without_a_devnet_it_fails_with_one_line()
    {
        var run = CliRun.Of("devnet", "soak", "--dir", "/nonexistent-devnet");

        Assert.That(run.SingleErrorLine(), Does.Contain("holds no devnet"));
    }

    [Test]
    public void Memory_that_levels_off_after_warm_up_and_a_chain_that_grows_pass()
    {
        // Warm-up from 100 to 200 MB in the first third, then flat; the data folder grows 1 MB a minute, 5 bytes per chain byte.
        var summary = Run(minutes => minutes < 4 ? 100 + (minutes * 25) : 200, handles: _ => 150);

        Assert.That(summary.Failure, Is.Null, summary.Line);
        Assert.That(summary.RssGrowthPercentPerHour, Is.EqualTo(0).Within(0.01));
        Assert.That(summary.HandleGrowthPerHour, Is.EqualTo(0).Within(0.01));
        Assert.That(summary.DiskGrowthBytes, Is.EqualTo(12L * 1024 * 1024));
        Assert.That(summary.DiskBytesPerVote, Is.EqualTo(12L * 1024 * 1024 / 10_000));
        Assert.That(summary.DiskPerChainByte, Is.EqualTo(5).Within(0.001));
        Assert.That(summary.Line, Does.StartWith("soak: minutes=12 acked=10000 lost=0 forks=0 double_signs=0 rss_mb_start=100 rss_mb_end=200 rss_mb_peak=200 rss_growth_pct_per_hour=0 handles_per_hour=0 threads_per_hour=0"));
        Assert.That(summary.Line, Does.EndWith("disk_per_chain_byte=5 audit=ok"));
    }

    [Test]
    public void Memory_that_keeps_climbing_after_warm_up_is_a_leak()
    {
        var summary = Run(minutes => 100 + (minutes * 20), handles: _ => 150);

        Assert.That(summary.RssGrowthPercentPerHour, Is.GreaterThan(SoakSummary.MaxRssGrowthPercentPerHour));
        Assert.That(summary.Failure, Does.Contain("memory grew"));
    }

    [Test]
    public void Handles_or_threads_that_keep_climbing_are_a_leak()
    {
        // A handle a minute after a burst at minute 1: the slope after warm-up sees it, a burst does not hide it.
        var handles = Run(_ => 200, handles: minutes => 150 + minutes + (minutes == 1 ? 40 : 0));
        var threads = Run(_ => 200, handles: _ => 150, threads: minutes => 40 + minutes);

        Assert.That(handles.HandleGrowthPerHour, Is.EqualTo(60).Within(0.01));
        Assert.That(handles.Failure, Does.Contain("open handles grew 60 an hour"));
        Assert.That(threads.Failure, Does.Contain("threads grew 60 an hour"));
    }

    [Test]
    public void Handles_on_the_data_folders_files_grow_with_the_data_and_are_no_leak()
    {
        // RocksDB keeps each table file open: a table more every minute is the chain growing, not a leak.
        var summary = new SoakSummary([.. Run(_ => 200, handles: minutes => 150 + minutes).Samples.Select(s => s with { DataHandles = (int)s.Minutes })],
            Passed, 12, ChainBytes: 12L * 1024 * 1024 / 5);

        Assert.That(summary.HandleGrowthPerHour, Is.EqualTo(0).Within(0.01));
        Assert.That(summary.Failure, Is.Null, summary.Line);
    }

    [Test]
    public void A_node_that_was_not_running_at_a_sample_fails_the_soak()
    {
        var samples = Run(_ => 200, handles: _ => 150).Samples.Select(s => s.Minutes == 7 && s.Node == "validator1" ? s with { RssBytes = 0, Handles = 0 } : s);

        var summary = new SoakSummary([.. samples], Passed, 12, ChainBytes: 1);

        Assert.That(summary.Failure, Is.EqualTo("validator1 was not running at minute 7"));
    }

    [Test]
    public void Data_folders_growing_far_beyond_the_chain_fail_the_soak()
    {
        var summary = Run(_ => 200, handles: _ => 150, chainBytes: 1024 * 1024);

        Assert.That(summary.DiskPerChainByte, Is.EqualTo(12).Within(0.001));
        Assert.That(summary.Failure, Does.Contain("the data folders grew 12 bytes per byte of chain"));
    }

    [Test]
    public void A_run_too_short_to_judge_growth_says_so_and_the_load_verdict_still_fails_it()
    {
        var summary = new SoakSummary([.. Enumerable.Range(0, 9).Select(m => Sample(m, "validator0", 100 + (m * 50), 150))], Passed with { Lost = 3 }, 8);

        Assert.That(summary.RssGrowthPercentPerHour, Is.Null);
        Assert.That(summary.Line, Does.Contain("rss_growth_pct_per_hour=n/a handles_per_hour=n/a threads_per_hour=n/a"));
        Assert.That(summary.Line, Does.Contain("disk_per_chain_byte=n/a"));
        Assert.That(summary.Failure, Does.Contain("3 acknowledged votes are not in the chain"));
    }

    [Test]
    public void The_csv_has_a_row_per_node_and_sample_and_the_plot_is_written()
    {
        var summary = Run(_ => 200, handles: _ => 150);
        var folder = Directory.CreateTempSubdirectory("votechain-soak-plot-");
        try
        {
            var rows = summary.Csv().TrimEnd().Split('\n');
            Assert.That(rows[0], Is.EqualTo("minutes,node,rss_bytes,handles,data_handles,threads,data_bytes,height,votes_acknowledged," +
                "rocksdb_memtable_bytes,rocksdb_table_reader_bytes,rocksdb_block_cache_bytes,native_heap_in_use_bytes,native_heap_free_bytes,managed_heap_committed_bytes"));
            Assert.That(rows, Has.Length.EqualTo(1 + (13 * 2)));
            Assert.That(rows.Skip(1).Select(r => r.Split(',').Length), Is.All.EqualTo(15), "a sample without the node's figures leaves them empty");

            SoakPlot.Write(summary, "test soak", Path.Combine(folder.FullName, "soak.svg"), Path.Combine(folder.FullName, "soak.png"));

            Assert.That(File.ReadAllText(Path.Combine(folder.FullName, "soak.svg")), Does.Contain("<svg").And.Contain("validator1"));
            Assert.That(File.ReadAllBytes(Path.Combine(folder.FullName, "soak.png")).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void This_process_resources_are_read_from_proc()
    {
        var resources = ProcessResources.Read(Environment.ProcessId);

        Assert.That(resources, Is.Not.Null);
        Assert.That(resources!.RssBytes, Is.GreaterThan(1024 * 1024));
        Assert.That(resources.Handles, Is.GreaterThan(2));
        Assert.That(resources.Threads, Is.GreaterThan(0));
        Assert.That(ProcessResources.Read(int.MaxValue), Is.Null, "a process that does not exist");

        var folder = Directory.CreateTempSubdirectory("votechain-soak-handles-");
        try
        {
            using var open = File.Create(Path.Combine(folder.FullName, "000001.sst"));
            Assert.That(ProcessResources.Read(Environment.ProcessId, folder.FullName)!.DataHandles, Is.EqualTo(1));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Two nodes sampled each minute for 12 minutes, RSS, handles and threads as given, the data folder growing 1 MB a
    /// minute over a chain of <paramref name="chainBytes"/> (default: a fifth of that).
    /// </summary>
    private static SoakSummary Run(Func<int, int> rssMb, Func<int, int> handles, Func<int, int>? threads = null, long chainBytes = 12L * 1024 * 1024 / 5) =>
        new([.. Enumerable.Range(0, 13).SelectMany(m => new[] { "validator0", "validator1" }
            .Select(node => Sample(m, node, rssMb(m), handles(m), threads?.Invoke(m) ?? 40)))], Passed, 12, chainBytes);

    private static SoakSample Sample(int minutes, string node, int rssMb, int handles, int threads = 40) =>
        new(minutes, node, rssMb * 1024L * 1024, handles, threads, minutes * 1024L * 1024, (ulong)minutes * 10, minutes * 1_000);
}
