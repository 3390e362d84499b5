namespace VoteChain.Storage;

/// <summary>What backup, restore and reset need of the data folder (docs/BACKUP.md).</summary>
public sealed partial class ChainStore
{
    /// <summary>Whether <paramref name="dataDir"/> holds a database: RocksDB writes its CURRENT file before anything else.</summary>
    public static bool HoldsDatabase(string dataDir) => File.Exists(Path.Combine(dataDir, "CURRENT"));

    /// <summary>
    /// A consistent copy of the whole database in <paramref name="target"/>, a folder that must not exist yet, taken while
    /// blocks commit. Put it on the data folder's file system: its table files are then hard links, made in an instant.
    /// </summary>
    /// <exception cref="StorageException">RocksDB could not make it (no space, the folder exists).</exception>
    public void Checkpoint(string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        _db.Checkpoint(Path.GetFullPath(target));
    }

    /// <summary>
    /// Throws the data folder's in-use error when another process (a running node) holds its database; returns when
    /// none does or the folder holds no database. Opening is the only sure test: RocksDB's lock is an fcntl lock on its
    /// LOCK file, which only RocksDB itself reads the same way.
    /// </summary>
    /// <exception cref="StorageException">The folder is in use, or is not a database RocksDB can open.</exception>
    public static void ThrowIfInUse(string dataDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        if (HoldsDatabase(dataDir))
        {
            using var db = StoreDatabase.Open(dataDir);
        }
    }

    /// <summary>
    /// Removes the sign-state a database from before the sign-state file may still keep. A copy of chain data restored
    /// into a home must not bring another node's (or an older) record of what was signed: the home's own file decides.
    /// </summary>
    /// <returns>True when there was one.</returns>
    public bool ForgetLegacySignState()
    {
        if (ReadLegacySignState() is null)
        {
            return false;
        }

        DeleteLegacySignState();
        return true;
    }
}
