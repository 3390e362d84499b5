namespace VoteChain.Storage;

/// <summary>
/// The operator-facing messages, kept together so that every failure reads the same way: what is wrong with
/// which folder, then what to do about it. Each is a single line.
/// </summary>
internal static class StorageErrors
{
    public static StorageException Locked(string folder, Exception inner) => new(
        $"data folder {folder} is in use by another VoteChain node or process (its RocksDB LOCK is held); " +
        "stop the other node or choose a different data folder",
        inner);

    public static StorageException IsAFile(string folder) => new(
        $"data folder {folder} is a file, not a folder; choose a folder path for the node's data");

    public static StorageException NotADatabase(string folder) => new(
        $"data folder {folder} is not empty but holds no VoteChain database; " +
        "choose an empty or new folder for the node's data");

    public static StorageException CannotCreate(string folder, Exception inner) => new(
        $"data folder {folder} cannot be created ({OneLine(inner.Message)}); check the path and its permissions",
        inner);

    public static StorageException Unreadable(string folder, Exception inner) => new(
        $"data folder {folder} cannot be opened as a VoteChain database ({OneLine(inner.Message)}); " +
        "if it is damaged, restore it from a backup or resync the node into an empty folder",
        inner);

    public static StorageException Corrupt(string folder, string detail, Exception? inner = null)
    {
        var message = $"data folder {folder} is corrupt: {detail}; " +
            "restore it from a backup or resync the node into an empty folder";
        return inner is null ? new StorageException(message) : new StorageException(message, inner);
    }

    public static StorageException DamagedFiles(string folder, Exception inner) =>
        Corrupt(folder, $"RocksDB reports damaged files ({OneLine(inner.Message)})", inner);

    public static StorageException WrongChain(string folder, string stored, string expected) => new(
        $"data folder {folder} holds chain '{stored}', not '{expected}'; " +
        "point the node at this chain's data folder or at an empty one");

    public static StorageException WrongGenesis(string folder, string chainId, byte[] stored, byte[] expected) => new(
        $"data folder {folder} holds chain '{chainId}' with genesis {Convert.ToHexStringLower(stored)}, " +
        $"not {Convert.ToHexStringLower(expected)}; it was started from a different genesis file, " +
        "so use that file or an empty data folder");

    public static StorageException NewerFormat(string folder, int stored, int known) => new(
        $"data folder {folder} has format version {stored}; this votechain reads up to {known}: " +
        "upgrade votechain (or restore a backup made by this version)");

    public static StorageException ChainBeforeStateTree(string folder, ulong height) => new(
        $"data folder {folder} holds a chain of format version 1 (height {height}), whose blocks commit to the state with a " +
        "hash chain; this votechain commits to a Merkle tree of the state (format version 2) and cannot continue that chain: " +
        "keep running the votechain that made it, or start a new chain from a new genesis in an empty data folder");

    public static StorageException InterruptedStateSync(string folder) => new(
        $"data folder {folder} holds a state sync that was interrupted before it finished; " +
        "empty it (votechain reset) and start the node again");

    public static StorageException WriteFailed(string folder, string what, Exception inner) => new(
        IsOutOfSpace(inner)
            ? $"data folder {folder} is on a full disk: {what} failed ({OneLine(inner.Message)}); the write was refused whole, " +
              "so nothing committed before it is lost: free space there (or move the folder) and start the node again"
            : $"data folder {folder}: {what} failed ({OneLine(inner.Message)}); check free disk space and the disk's health",
        inner);

    /// <summary>RocksDB reports ENOSPC as an IOError status carrying the system's text for it.</summary>
    private static bool IsOutOfSpace(Exception inner) => inner.Message.Contains("No space left on device", StringComparison.Ordinal);

    public static StorageException ReadFailed(string folder, Exception inner) => new(
        $"data folder {folder} could not be read ({OneLine(inner.Message)}); check the disk's health",
        inner);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
