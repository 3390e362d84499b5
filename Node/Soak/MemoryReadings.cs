using System.Globalization;

namespace VoteChain.Node.Soak;

/// <summary>
/// A node's own account of its memory, read from its Prometheus metrics (docs/METRICS.md): what RocksDB holds (memtables,
/// block cache, and the table readers that grow with the keys on disk), glibc's native heap in use and free, and the
/// managed heap the GC has committed. Beside the resident size these say which part grows.
/// </summary>
internal sealed record MemoryReadings(long Memtables, long TableReaders, long BlockCache, long NativeInUse, long NativeFree,
    long ManagedCommitted)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The readings from a node's /metrics, or null when the node does not answer (it is counted down elsewhere).</summary>
    public static async Task<MemoryReadings?> ScrapeAsync(HttpClient http, string webUrl, CancellationToken cancellation)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(Timeout);
            var text = await http.GetStringAsync(new Uri($"{webUrl}/metrics"), timeout.Token).ConfigureAwait(false);
            return Parse(text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The figures from Prometheus text; a figure the text lacks reads 0.</summary>
    public static MemoryReadings Parse(string metricsText)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in metricsText.Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = (long)value;
            }
        }

        long Get(string series) => values.GetValueOrDefault(series);
        return new MemoryReadings(Get("votechain_storage_memory_bytes{part=\"memtables\"}"),
            Get("votechain_storage_memory_bytes{part=\"table_readers\"}"), Get("votechain_storage_memory_bytes{part=\"block_cache\"}"),
            Get("votechain_native_heap_bytes{state=\"in_use\"}"), Get("votechain_native_heap_bytes{state=\"free\"}"),
            Get("votechain_managed_heap_committed_bytes"));
    }
}
