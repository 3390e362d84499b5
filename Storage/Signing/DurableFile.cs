using System.Runtime.InteropServices;

namespace VoteChain.Storage.Signing;

/// <summary>
/// Replaces a small file so that after a crash or power loss it holds either the old or the new content, never a
/// mix, and the new content is on disk when <see cref="Replace"/> returns: temporary file, fsync, rename over the
/// old one, fsync of the folder (the rename itself lives in the folder's entries).
/// </summary>
public static partial class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> (mode 0600), durably and atomically.</summary>
    /// <exception cref="IOException">The file or its folder could not be written or synced.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder does not allow it.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);

        // One writer per file (the consensus driver), so a fixed temporary name is enough. Whatever holds that name
        // (one left by a crash, or a symlink someone planted to redirect the write) is removed, not opened: the new
        // file is created exclusively (O_EXCL, which never follows a symlink), so it is always a fresh 0600 file.
        var temp = full + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
        SyncFolder(folder);
    }

    /// <summary>fsync on the folder, so that the rename survives a power loss. .NET opens no folders, hence libc.</summary>
    private static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            // NTFS journals the rename with the metadata; there is no folder handle to flush.
            return;
        }

        var fd = Native.Open(folder, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder {folder} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Native.Fsync(fd) != 0)
            {
                throw new IOException($"cannot sync folder {folder} (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }
}
