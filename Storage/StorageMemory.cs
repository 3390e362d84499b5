namespace VoteChain.Storage;

/// <summary>
/// What RocksDB holds in memory at one moment, as RocksDB itself counts it, summed over the columns: the memtables
/// (bounded by the database's write buffer size), the open tables' indexes and filters (they grow with the keys on disk),
/// and the shared block cache (bounded by its capacity), of which <paramref name="BlockCachePinned"/> is held by readers.
/// </summary>
public sealed record StorageMemory(long Memtables, long TableReaders, long BlockCache, long BlockCachePinned)
{
    public long Total => Memtables + TableReaders + BlockCache;
}
