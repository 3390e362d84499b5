using Microsoft.Win32.SafeHandles;
namespace VoteChain.Node.Files;

/// <summary>
/// Writes operator files without ever clobbering one by accident or leaving half a file behind.
/// Every failure is a <see cref="UserInputException"/> naming the path.
/// </summary>
public static class SafeFile
{
    /// <summary>
    /// Creates <paramref name="path"/> (and its folder) and writes <paramref name="content"/>; refuses if the
    /// file exists. A private file is created with mode 0600 from the first byte, so a secret is never readable
    /// by others, not even between create and chmod.
    /// </summary>
    public static void CreateNew(string path, string content, bool isPrivate, string what)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (isPrivate && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            CreateParentFolder(path);
            using var stream = File.Open(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new UserInputException($"{what} {path} already exists (refusing to overwrite)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write {what} {path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Replaces an existing file atomically: the new content goes to a temporary file in the same folder,
    /// is flushed to disk, then renamed over the old one, so a reader sees either the old or the new file. A private
    /// replacement is 0600 from its first byte, as <see cref="CreateNew"/> makes it.
    /// </summary>
    public static void Replace(string path, string content, string what, bool isPrivate = false)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            CreateNew(temp, content, isPrivate, what);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot replace {what} {path}: {e.Message}", e);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Reads a whole text file, with a one-line error when it is missing or unreadable.</summary>
    public static string ReadAllText(string path, string what) => ReadAllText(path, what, checkOpened: null);

    /// <summary>
    /// Reads a text file after <paramref name="checkOpened"/> approved the opened file: the check and the read see the
    /// same file, so it cannot be swapped (or its mode changed) between the two.
    /// </summary>
    public static string ReadAllText(string path, string what, Action<SafeFileHandle>? checkOpened)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException(Directory.Exists(path)
                ? $"{what} {path} is a folder, not a file"
                : $"{what} {path} does not exist");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            checkOpened?.Invoke(stream.SafeFileHandle);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read {what} {path}: {e.Message}", e);
        }
    }

    /// <summary>Creates a folder (and its parents) if missing.</summary>
    public static void CreateFolder(string path, string what)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot create {what} {path}: {e.Message}", e);
        }
    }

    private static void CreateParentFolder(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
