using RocksDbSharp;

namespace VoteChain.Storage;

internal sealed partial class StoreDatabase
{
    /// <summary>
    /// Opens an existing database to read only: nothing is created, written or migrated, and a node running on the
    /// folder does not stand in the way (a read-only open takes no lock). Null when the folder holds no database yet.
    /// </summary>
    /// <exception cref="StorageException">The path is a file, a folder of something else, or an unreadable database.</exception>
    public static StoreDatabase? OpenReadOnly(string dataDir)
    {
        var folder = Path.GetFullPath(dataDir);
        try
        {
            if (!HoldsDatabase(folder))
            {
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StorageErrors.Unreadable(folder, e);
        }

        var options = new DbOptions();
        try
        {
            return new StoreDatabase(folder, options, RocksDb.OpenReadOnly(options, folder, Families(options, folder, writable: false),
                errIfLogFileExists: false));
        }
        catch (RocksDbException e)
        {
            throw Classify(folder, e);
        }
    }
}
