using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace VoteChain.Node.Backup;

/// <summary>
/// A backup file: a gzipped tar (POSIX pax) of manifest.json, then data/NAME for each file the manifest lists, in its
/// order. Reading checks every entry against the manifest (name, type, size, SHA-256), so a file that is damaged,
/// altered or built to escape the data folder is refused whole.
/// </summary>
internal static class BackupArchive
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes the archive to <paramref name="path"/> (a new file, mode 0600) from the files in <paramref name="folder"/>.</summary>
    public static void Write(string path, BackupManifest manifest, string folder, ProgressLines progress)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Private;
        }

        using var file = new FileStream(path, options);
        // Table files are LZ4-compressed already: the fastest level keeps a backup quick and costs little size.
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            using var json = new MemoryStream(manifest.ToJson());
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.EntryName) { DataStream = json, Mode = Private });
            foreach (var listed in manifest.Files)
            {
                using var data = File.OpenRead(Path.Combine(folder, listed.Name));
                if (data.Length != listed.Bytes)
                {
                    throw new UserInputException($"{Path.Combine(folder, listed.Name)} changed while it was packed");
                }

                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, BackupManifest.DataFolder + listed.Name) { DataStream = data, Mode = Private });
                progress.Add(listed.Bytes);
            }
        }

        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads the archive at <paramref name="path"/> and checks every entry; with a <paramref name="target"/> folder it also
    /// writes each file there (new files only). <paramref name="accept"/> judges the manifest before any file is read.
    /// </summary>
    /// <exception cref="UserInputException">The archive is not a backup, does not match its manifest, or the manifest is refused.</exception>
    public static BackupManifest Read(string path, Action<BackupManifest> accept, string? target, ProgressLines progress)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            var manifest = ReadManifest(tar, path);
            accept(manifest);
            var expected = manifest.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
            while (tar.GetNextEntry() is { } entry)
            {
                if (!IsRegular(entry) || !entry.Name.StartsWith(BackupManifest.DataFolder, StringComparison.Ordinal)
                    || !expected.Remove(entry.Name[BackupManifest.DataFolder.Length..], out var listed))
                {
                    throw new UserInputException($"{path} holds an entry '{Printable(entry.Name)}' ({entry.EntryType}) that is not a file its manifest lists");
                }

                if (entry.Length != listed.Bytes)
                {
                    throw new UserInputException($"{path}: entry {entry.Name} has {entry.Length} bytes where its manifest says {listed.Bytes}");
                }

                Copy(entry.DataStream, listed, target is null ? null : Path.Combine(target, listed.Name), path);
                progress.Add(listed.Bytes);
            }

            if (expected.Count > 0)
            {
                throw new UserInputException($"{path} lacks {expected.Count} files its manifest lists (first: {expected.Keys.Order(StringComparer.Ordinal).First()})");
            }

            return manifest;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw new UserInputException($"{path} is damaged or not a VoteChain backup (a gzipped tar): {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read {path}: {e.Message}", e);
        }
    }

    private static BackupManifest ReadManifest(TarReader tar, string path)
    {
        var first = tar.GetNextEntry();
        if (first is null || !IsRegular(first) || first.Name != BackupManifest.EntryName)
        {
            throw new UserInputException($"{path} is not a VoteChain backup: its first entry is not {BackupManifest.EntryName}");
        }

        if (first.Length > BackupManifest.MaxManifestBytes)
        {
            throw new UserInputException($"{path}: its {BackupManifest.EntryName} has {first.Length} bytes, more than a manifest may ({BackupManifest.MaxManifestBytes})");
        }

        var json = new byte[first.Length];
        first.DataStream?.ReadExactly(json);
        return BackupManifest.Parse(json, path);
    }

    /// <summary>Reads exactly the listed bytes, hashing them (and writing them to <paramref name="to"/> when given).</summary>
    private static void Copy(Stream? data, BackupFile listed, string? to, string archive)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var output = to is null ? null : new FileStream(to, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write });
        var buffer = new byte[1 << 16];
        var left = listed.Bytes;
        while (left > 0)
        {
            var read = data?.Read(buffer, 0, (int)Math.Min(buffer.Length, left)) ?? 0;
            if (read == 0)
            {
                throw new UserInputException($"{archive}: entry {listed.Name} ends early");
            }

            hash.AppendData(buffer, 0, read);
            output?.Write(buffer, 0, read);
            left -= read;
        }

        if (!Convert.ToHexStringLower(hash.GetHashAndReset()).Equals(listed.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new UserInputException($"{archive}: entry {listed.Name} does not match its SHA-256 in the manifest (damaged or altered)");
        }

        output?.Flush(flushToDisk: true);
    }

    private static bool IsRegular(TarEntry entry) => entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;

    /// <summary>An entry name as it can be shown in one line: control characters escaped, long names cut.</summary>
    private static string Printable(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name.Length > 120 ? name[..120] + "..." : name)
        {
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.ToString();
    }
}
