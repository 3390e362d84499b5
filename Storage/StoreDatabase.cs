using RocksDbSharp;

namespace VoteChain.Storage;

/// <summary>
/// The RocksDB handle with one column family per <see cref="StoreColumn"/>. Every RocksDB failure is turned into
/// a <see cref="StorageException"/> here, so no RocksDB exception leaves the Storage project.
/// </summary>
internal sealed partial class StoreDatabase : IDisposable
{
    // Options are kept alive for the lifetime of the database: the native side holds pointers into them.
    private readonly DbOptions _options;
    private readonly RocksDb _db;
    // A column the folder lacks is null, which only a read-only open allows (a read-write one creates it).
    private readonly ColumnFamilyHandle?[] _columns;
    private readonly WriteOptions _synced = new WriteOptions().SetSync(true);
    private bool _disposed;

    private StoreDatabase(string folder, DbOptions options, RocksDb db)
    {
        Folder = folder;
        _options = options;
        _db = db;
        _columns = new ColumnFamilyHandle?[StoreColumns.All.Max(c => (int)c) + 1];
        foreach (var column in StoreColumns.All)
        {
            _columns[(int)column] = db.TryGetColumnFamily(StoreColumns.Name(column), out var handle) ? handle : null;
        }
    }

    /// <summary>The full path of the data folder, as operators should see it in messages.</summary>
    public string Folder { get; }

    public static StoreDatabase Open(string dataDir)
    {
        var folder = Path.GetFullPath(dataDir);
        try
        {
            HoldsDatabase(folder);
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StorageErrors.CannotCreate(folder, e);
        }

        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            // Stated rather than left to the default: after a power loss a torn last write is dropped and the
            // database opens at the last whole batch, which is the last whole block.
            .SetWalRecoveryMode(Recovery.PointInTime)
            // RocksDB keeps a thousand old info logs by default; a node restarted often needs a handful.
            .SetKeepLogFileNum(10)
            // All columns' memtables together, and the write-ahead log, stay within fixed sizes. Without them the node
            // had up to 16 MB × 2 memtables in each of its columns, and a log file could be deleted only once every column
            // with data in it was flushed: a column written once (an election) held every later log file until the
            // default bound, four times all memtables (over 1.6 GB).
            .SetDbWriteBufferSize(MemtableBytes)
            .SetMaxTotalWalSize(MemtableBytes);
        try
        {
            return new StoreDatabase(folder, options, RocksDb.Open(options, folder, Families(options, folder, writable: true)));
        }
        catch (RocksDbException e)
        {
            throw Classify(folder, e);
        }
    }

    /// <summary>Whether the folder holds a database; false when it is missing or empty.</summary>
    /// <exception cref="StorageException">The path is a file, or a folder with content but no database.</exception>
    private static bool HoldsDatabase(string folder)
    {
        if (File.Exists(folder))
        {
            throw StorageErrors.IsAFile(folder);
        }

        if (File.Exists(Path.Combine(folder, "CURRENT")))
        {
            return true;
        }

        // RocksDB would happily create its files among someone else's; a folder that has content but no
        // database is far more likely a wrong path than a node's data.
        return Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()
            ? throw StorageErrors.NotADatabase(folder)
            : false;
    }

    /// <summary>
    /// The column families to open: every column this binary knows (a read-write open creates the missing ones; a
    /// read-only one opens those the folder has), and every other column the folder has, with default options. RocksDB
    /// opens a folder read-write only with all of its columns, and a newer binary may have added some: opened, they
    /// let <see cref="StoreFormat"/> read the folder's version and refuse it with one clear line.
    /// </summary>
    private static ColumnFamilies Families(DbOptions options, string folder, bool writable)
    {
        var existing = File.Exists(Path.Combine(folder, "CURRENT")) ? RocksDb.ListColumnFamilies(options, folder).ToHashSet() : [];
        var families = new ColumnFamilies();
        var blockCache = Cache.CreateLru(BlockCacheBytes);
        var known = StoreColumns.All.Select(StoreColumns.Name).ToHashSet();
        foreach (var name in known.Where(name => writable || existing.Contains(name)))
        {
            families.Add(name, ColumnOptions(blockCache, name));
        }

        // "default" is in every database and in every ColumnFamilies already.
        foreach (var name in existing.Where(name => !known.Contains(name) && name != ColumnFamilies.DefaultName))
        {
            families.Add(name, new ColumnFamilyOptions());
        }

        return families;
    }

    private ColumnFamilyHandle Handle(StoreColumn column) =>
        _columns[(int)column] ?? throw new InvalidOperationException($"column {StoreColumns.Name(column)} is not in this read-only view");

    private const ulong BlockCacheBytes = 32UL * 1024 * 1024;

    private const ulong MemtableBytes = 64UL * 1024 * 1024;

    /// <summary>
    /// Every column: LZ4 (cheap on the CPU the signature checks need; headers, election ids and record framing compress,
    /// keys and signatures do not), and a Bloom filter per table so that a lookup of a key that is not there (a new
    /// transaction id, a credential's first ballot) skips the tables without it; the memtables have one too, over whole
    /// keys, for the same lookups among recent writes. Memtables stay at 16 MB each (RocksDB's default is 64 MB per
    /// column), and all columns share one block cache for data blocks. The tables' indexes and filters stay in memory
    /// outside the cache (about 1.5 bytes per key): kept in the 32 MB cache, whole filters of a million keys were evicted
    /// by data blocks and read back, with their checksums, on lookup after lookup, and RocksDB took a third of the CPU in
    /// the 1,000,000-vote run. The state tree's nodes are not compressed: they are hashes (a leaf is its path and its
    /// value's hash, an internal node its children's versions and hashes), which LZ4 cannot shrink, and every read of a
    /// node not in memory would decompress a block for nothing.
    /// </summary>
    private static ColumnFamilyOptions ColumnOptions(Cache blockCache, string name)
    {
        var options = new ColumnFamilyOptions()
            .SetCompression(name == StoreColumns.Name(StoreColumn.StateTree) ? Compression.No : Compression.Lz4)
            .SetWriteBufferSize(16UL * 1024 * 1024)
            .SetMemtablePrefixBloomSizeRatio(0.05)
            .SetBlockBasedTableFactory(new BlockBasedTableOptions()
                .SetBlockCache(blockCache)
                .SetCacheIndexAndFilterBlocks(false)
                .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
                .SetWholeKeyFiltering(true));
        // No prefix extractor is set, so the memtable's filter is over whole keys only when told.
        Native.Instance.rocksdb_options_set_memtable_whole_key_filtering(options.Handle, 1);
        return options;
    }

    public byte[]? Get(StoreColumn column, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return _columns[(int)column] is { } handle ? _db.Get(key, handle) : null;
        }
        catch (RocksDbException e)
        {
            throw StorageErrors.ReadFailed(Folder, e);
        }
    }

    public WriteBatch Put(WriteBatch batch, StoreColumn column, byte[] key, byte[] value) =>
        batch.Put(key, value, Handle(column));

    public WriteBatch Delete(WriteBatch batch, StoreColumn column, byte[] key) =>
        batch.Delete(key, Handle(column));

    /// <summary>Every key of a column in key order, from one consistent view (the iterator's implicit snapshot).</summary>
    public IReadOnlyList<byte[]> Keys(StoreColumn column)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var keys = new List<byte[]>();
        try
        {
            using var iterator = _db.NewIterator(Handle(column));
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                keys.Add(iterator.Key());
            }
        }
        catch (RocksDbException e)
        {
            throw StorageErrors.ReadFailed(Folder, e);
        }

        return keys;
    }

    /// <summary>The keys of a column from <paramref name="start"/> up to (not including) <paramref name="end"/>, in key order.</summary>
    public IReadOnlyList<byte[]> KeysBetween(StoreColumn column, byte[] start, byte[] end)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var keys = new List<byte[]>();
        try
        {
            using var iterator = _db.NewIterator(Handle(column));
            for (iterator.Seek(start); iterator.Valid(); iterator.Next())
            {
                var key = iterator.Key();
                if (key.AsSpan().SequenceCompareTo(end) >= 0)
                {
                    break;
                }

                keys.Add(key);
            }
        }
        catch (RocksDbException e)
        {
            throw StorageErrors.ReadFailed(Folder, e);
        }

        return keys;
    }

    /// <summary>The keys of a column that start with <paramref name="prefix"/>, in key order, from one consistent view.</summary>
    /// <remarks>Values are not read: a listing that ranks records reads only the ones it keeps.</remarks>
    public IReadOnlyList<byte[]> Keys(StoreColumn column, byte[] prefix)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var keys = new List<byte[]>();
        try
        {
            using var iterator = _db.NewIterator(Handle(column));
            for (iterator.Seek(prefix); iterator.Valid(); iterator.Next())
            {
                var key = iterator.Key();
                if (!key.AsSpan().StartsWith(prefix))
                {
                    break;
                }

                keys.Add(key);
            }
        }
        catch (RocksDbException e)
        {
            throw StorageErrors.ReadFailed(Folder, e);
        }

        return keys;
    }

    /// <summary>
    /// Keys and values of the entries whose key starts with <paramref name="prefix"/>, in key order or (with
    /// <paramref name="descending"/>) from the last key back, at most <paramref name="limit"/>; from one
    /// consistent view (the iterator's implicit snapshot). The scan also ends before an entry whose value would take
    /// the values read past <paramref name="maxValueBytes"/>, though the first entry is always taken.
    /// </summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(StoreColumn column, byte[] prefix, bool descending, int limit,
        long maxValueBytes = long.MaxValue)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entries = new List<KeyValuePair<byte[], byte[]>>();
        long valueBytes = 0;
        try
        {
            using var iterator = _db.NewIterator(Handle(column));
            if (!descending)
            {
                iterator.Seek(prefix);
            }
            else if (Successor(prefix) is { } after)
            {
                // The first key past the prefix, then one back: the last key under it (if any).
                iterator.Seek(after);
                if (iterator.Valid())
                {
                    iterator.Prev();
                }
                else
                {
                    iterator.SeekToLast();
                }
            }
            else
            {
                iterator.SeekToLast();
            }

            while (entries.Count < limit && iterator.Valid())
            {
                var key = iterator.Key();
                if (!key.AsSpan().StartsWith(prefix))
                {
                    break;
                }

                var value = iterator.Value();
                valueBytes += value.Length;
                if (entries.Count > 0 && valueBytes > maxValueBytes)
                {
                    break;
                }

                entries.Add(new(key, value));
                if (descending)
                {
                    iterator.Prev();
                }
                else
                {
                    iterator.Next();
                }
            }
        }
        catch (RocksDbException e)
        {
            throw StorageErrors.ReadFailed(Folder, e);
        }

        return entries;
    }

    /// <summary>RocksDB's own account of its memory (see <see cref="StorageMemory"/>).</summary>
    public StorageMemory Memory()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            long memtables = 0, tableReaders = 0;
            foreach (var column in StoreColumns.All)
            {
                var handle = Handle(column);
                memtables += IntProperty("rocksdb.size-all-mem-tables", handle);
                tableReaders += IntProperty("rocksdb.estimate-table-readers-mem", handle);
            }

            // One cache serves every column: read it once.
            var any = Handle(StoreColumns.All[0]);
            return new StorageMemory(memtables, tableReaders, IntProperty("rocksdb.block-cache-usage", any),
                IntProperty("rocksdb.block-cache-pinned-usage", any));
        }
        catch (RocksDbException e)
        {
            throw StorageErrors.ReadFailed(Folder, e);
        }
    }

    private long IntProperty(string name, ColumnFamilyHandle column) =>
        long.TryParse(_db.GetProperty(name, column), out var value) ? value : 0;

    /// <summary>Writes the batch atomically and waits until it is on disk.</summary>
    public void WriteSynced(WriteBatch batch, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _db.Write(batch, _synced);
        }
        catch (RocksDbException e)
        {
            throw StorageErrors.WriteFailed(Folder, what, e);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _db.Dispose();
        GC.KeepAlive(_options);
    }

    /// <summary>The smallest key greater than every key that starts with the prefix; null when there is none.</summary>
    private static byte[]? Successor(byte[] prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != 0xFF)
            {
                var after = prefix[..(i + 1)];
                after[i]++;
                return after;
            }
        }

        return null;
    }

    /// <summary>
    /// RocksDB reports every open failure as one exception type with a status text ("IO error: ...",
    /// "Corruption: ..."); the text is all there is to tell a held lock from a damaged folder.
    /// </summary>
    private static StorageException Classify(string folder, RocksDbException e)
    {
        var text = e.Message;
        // In this process RocksDB says "lock hold by current process"; another process's lock shows as the OS
        // error for the LOCK file. Other LOCK failures (permissions, say) are not "in use" and fall through.
        var held = text.Contains("lock hold", StringComparison.OrdinalIgnoreCase) ||
            (text.Contains("LOCK", StringComparison.Ordinal) &&
             (text.Contains("temporarily unavailable", StringComparison.OrdinalIgnoreCase) ||
              text.Contains("used by another process", StringComparison.OrdinalIgnoreCase)));
        if (held)
        {
            return StorageErrors.Locked(folder, e);
        }

        return text.StartsWith("Corruption", StringComparison.OrdinalIgnoreCase)
            ? StorageErrors.DamagedFiles(folder, e)
            : StorageErrors.Unreadable(folder, e);
    }
}
