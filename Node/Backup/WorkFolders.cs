using System.Globalization;

namespace VoteChain.Node.Backup;

/// <summary>
/// The folders backup and restore work in, beside the data folder (data.backup-..., data.restore-...): on the same file
/// system, so a checkpoint's table files are hard links and a restored folder is renamed into place. A process that
/// dies leaves its folder behind; the names say whose it is, so the node (checkpoints) and reset (both) clear them.
/// </summary>
internal static class WorkFolders
{
    private const string CheckpointTag = ".backup-";
    private const string RestoreTag = ".restore-";

    /// <summary>A new checkpoint folder's path for <paramref name="dataDir"/> (not created: RocksDB creates it).</summary>
    public static string NewCheckpoint(string dataDir) => New(dataDir, CheckpointTag);

    /// <summary>A new folder for a restore into <paramref name="dataDir"/> (not created).</summary>
    public static string NewRestore(string dataDir) => New(dataDir, RestoreTag);

    public static IReadOnlyList<string> Checkpoints(string dataDir) => Existing(dataDir, CheckpointTag);

    public static IReadOnlyList<string> All(string dataDir) => [.. Existing(dataDir, CheckpointTag), .. Existing(dataDir, RestoreTag)];

    /// <summary>Deletes the folder and everything in it; a folder already gone is fine.</summary>
    public static void Delete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string New(string dataDir, string tag)
    {
        var data = Normalized(dataDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        return $"{data}{tag}{stamp}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    private static List<string> Existing(string dataDir, string tag)
    {
        var data = Normalized(dataDir);
        var parent = Path.GetDirectoryName(data);
        if (parent is null || !Directory.Exists(parent))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(parent, Path.GetFileName(data) + tag + "*").Order(StringComparer.Ordinal)];
    }

    private static string Normalized(string dataDir) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir));
}
