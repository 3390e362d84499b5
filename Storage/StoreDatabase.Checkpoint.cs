using RocksDbSharp;

namespace VoteChain.Storage;

internal sealed partial class StoreDatabase
{
    /// <summary>
    /// A RocksDB checkpoint of the whole database in <paramref name="target"/> (which must not exist): a consistent copy
    /// taken while writes go on, its table files hard links where the file system allows (so instant, and free of space
    /// until compaction replaces the originals). Memtables are flushed first, so the copy needs no write-ahead log.
    /// </summary>
    /// <exception cref="StorageException">RocksDB could not make it (no space, the target exists).</exception>
    public void Checkpoint(string target)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var checkpoint = _db.Checkpoint();
            checkpoint.Save(target, logSizeForFlush: 0);
        }
        catch (RocksDbException e)
        {
            throw new StorageException($"data folder {Folder}: a checkpoint into {target} failed "
                + $"({e.Message.ReplaceLineEndings(" ").Trim()}); check free disk space there", e);
        }
    }
}
