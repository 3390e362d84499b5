using System.Globalization;

namespace VoteChain.Node.Soak;

/// <summary>
/// What a process holds, read from Linux's /proc: resident memory, open file handles (and how many of them are files
/// in its data folder: RocksDB keeps each table file open, so those grow with the data) and threads.
/// </summary>
internal sealed record ProcessResources(long RssBytes, int Handles, int DataHandles, int Threads)
{
    /// <summary>The process's resources, or null when it is gone (or /proc cannot be read).</summary>
    public static ProcessResources? Read(int pid, string? dataFolder = null)
    {
        try
        {
            long rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                // "VmRSS:    123456 kB", "Threads:  42"
                var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] == "VmRSS:")
                {
                    rss = long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
                }
                else if (parts.Length >= 2 && parts[0] == "Threads:")
                {
                    threads = int.Parse(parts[1], CultureInfo.InvariantCulture);
                }
            }

            var handles = Directory.GetFileSystemEntries($"/proc/{pid}/fd");
            var inData = dataFolder is null ? 0 : handles.Count(h => IsUnder(LinkTarget(h), dataFolder));
            return new ProcessResources(rss, handles.Length, inData, threads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static string? LinkTarget(string handle)
    {
        try
        {
            return new FileInfo(handle).LinkTarget;
        }
        catch (IOException)
        {
            return null; // closed between the listing and the read
        }
    }

    private static bool IsUnder(string? path, string folder) =>
        path is not null && path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + "/", StringComparison.Ordinal);

    /// <summary>Bytes of every file under <paramref name="folder"/> (0 when it does not exist); files that vanish mid-walk count 0.</summary>
    public static long FolderBytes(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        long total = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException)
            {
                // RocksDB removed it (a compaction finished) between the listing and the read.
            }
        }

        return total;
    }
}
