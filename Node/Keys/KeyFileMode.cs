using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using VoteChain.Node.Files;

namespace VoteChain.Node.Keys;

/// <summary>
/// The permission rule for private key files, like ssh's: a key that group or others may read or write is refused,
/// because anyone who could read it could sign as this validator, authority or voter. One home for the rule: every
/// private key is read through <see cref="ReadPrivate"/> (<see cref="KeyFile.Load"/>, the TLS key).
/// </summary>
public static class KeyFileMode
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthersRead = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode GroupOrOthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Reads a private key file's text, refusing it first if group or others can read or write it. The mode is read
    /// from the opened file, not the path, so the file cannot be swapped between the check and the read.
    /// </summary>
    /// <exception cref="UserInputException">The file is missing, unreadable, or open to group or others.</exception>
    public static string ReadPrivate(string path, string what) =>
        SafeFile.ReadAllText(path, what, handle => EnsurePrivate(handle, path, what));

    private static void EnsurePrivate(SafeFileHandle handle, string path, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows has ACLs, not modes.
            return;
        }

        var mode = File.GetUnixFileMode(handle);
        var open = (mode & GroupOrOthersRead) != 0
            ? (mode & GroupOrOthersWrite) != 0 ? "readable and writable" : "readable"
            : (mode & GroupOrOthersWrite) != 0 ? "writable" : null;
        if (open is not null)
        {
            throw new UserInputException(
                $"{what} {path} is {open} by others (mode {Octal(mode)}); run `votechain keys fix-mode {path}` or chmod 600 {path}");
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
