using System.Globalization;

namespace VoteChain.Node.Backup;

/// <summary>
/// Progress of long work as plain lines ("packing: 40% (1.2 GB of 3.0 GB)"), one per tenth: readable in a terminal, a
/// log file or a script's output alike, and few enough for terabytes.
/// </summary>
internal sealed class ProgressLines(TextWriter output, string step, long total)
{
    private long _done;

    /// <summary>The bytes the work comes to; settable for work whose size is known only once it has begun.</summary>
    public long Total { get; set; } = total;

    private int _lastTenth;

    public void Add(long bytes)
    {
        _done += bytes;
        var tenth = Total <= 0 ? 10 : (int)Math.Min(10, _done * 10 / Total);
        if (tenth > _lastTenth)
        {
            _lastTenth = tenth;
            output.WriteLine($"{step}: {tenth * 10}% ({Size(_done)} of {Size(Total)})");
        }
    }

    /// <summary>A size for people: bytes, KB, MB or GB (powers of 1000, as disks are sold).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} KB"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB"),
    };
}
