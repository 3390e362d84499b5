using RocksDbSharp;

namespace VoteChain.Storage;

internal sealed partial class StoreDatabase
{
    /// <summary>
    /// A consistent read view of the whole database as it is now (a RocksDB snapshot): reads through it see no write made
    /// after, so a long export runs beside the node committing blocks. Dispose it promptly: RocksDB keeps every version
    /// the view may read until then.
    /// </summary>
    public StoreView View()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new StoreView(this, _db);
    }

    /// <summary>See <see cref="View"/>.</summary>
    internal sealed class StoreView : IDisposable
    {
        private readonly StoreDatabase _owner;
        private readonly RocksDb _db;
        private readonly Snapshot _snapshot;
        private readonly ReadOptions _read;

        public StoreView(StoreDatabase owner, RocksDb db)
        {
            _owner = owner;
            _db = db;
            _snapshot = db.CreateSnapshot();
            _read = new ReadOptions().SetSnapshot(_snapshot);
        }

        public byte[]? Get(StoreColumn column, byte[] key)
        {
            try
            {
                return _db.Get(key, _owner.Handle(column), _read);
            }
            catch (RocksDbException e)
            {
                throw StorageErrors.ReadFailed(_owner.Folder, e);
            }
        }

        /// <summary>Every entry of a column in key order, read lazily.</summary>
        public IEnumerable<KeyValuePair<byte[], byte[]>> Entries(StoreColumn column)
        {
            using var iterator = _db.NewIterator(_owner.Handle(column), _read);
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                yield return new KeyValuePair<byte[], byte[]>(iterator.Key(), iterator.Value());
            }
        }

        // ReadOptions holds no resource of its own to release (RocksDbSharp frees it when collected); the snapshot does.
        public void Dispose() => _snapshot.Dispose();
    }
}
