using System.Runtime.Versioning;

namespace VoteChain.Node.Keys;

/// <summary>
/// The permission rule for private key files, like ssh's: a key that group or others may read or write is refused,
/// because anyone who could read it could sign as this validator, authority or voter. One home for the rule: every
/// private key is loaded through <see cref="KeyFile.Load"/>, which asks here first.
/// </summary>
public static class KeyFileMode
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthersRead = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode GroupOrOthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Refuses a key file that group or others can read or write, with one line saying how to fix it.</summary>
    /// <exception cref="UserInputException">The file is open to group or others.</exception>
    public static void EnsurePrivate(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            // Windows has ACLs, not modes; a missing file is reported by the read that follows.
            return;
        }

        var mode = Read(path);
        var open = (mode & GroupOrOthersRead) != 0
            ? (mode & GroupOrOthersWrite) != 0 ? "readable and writable" : "readable"
            : (mode & GroupOrOthersWrite) != 0 ? "writable" : null;
        if (open is not null)
        {
            throw new UserInputException(
                $"key file {path} is {open} by others (mode {Octal(mode)}); run `votechain keys fix-mode {path}` or chmod 600 {path}");
        }
    }

    /// <summary>Sets the file to owner read and write only; returns the mode it had.</summary>
    /// <exception cref="UserInputException">The file is missing, a folder, or its mode cannot be changed.</exception>
    public static UnixFileMode Fix(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException(Directory.Exists(path) ? $"key file {path} is a folder, not a file" : $"key file {path} does not exist");
        }

        if (OperatingSystem.IsWindows())
        {
            throw new UserInputException("fix-mode sets Unix file modes; on Windows restrict the key file with its ACL instead");
        }

        var before = Read(path);
        try
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot change the mode of key file {path}: {e.Message}", e);
        }

        return before;
    }

    /// <summary>The mode as ls and chmod write it, e.g. 0644.</summary>
    public static string Octal(UnixFileMode mode) =>
        "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');

    [UnsupportedOSPlatform("windows")]
    private static UnixFileMode Read(string path)
    {
        try
        {
            return File.GetUnixFileMode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read the mode of key file {path}: {e.Message}", e);
        }
    }
}
