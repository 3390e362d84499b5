using RocksDbSharp;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Storage;

/// <summary>The state as a snapshot (docs/STATE-SYNC.md): read out of a consistent view, and written into an empty folder.</summary>
public sealed partial class ChainStore
{
    /// <summary>Tree nodes are written in batches of this many while a snapshot is restored, not in one batch of millions.</summary>
    private const int RestoreBatchNodes = 50_000;

    /// <summary>
    /// Every record the state tree holds at the head as it is now, read from one consistent view while blocks go on
    /// committing: in <see cref="StateColumn"/> order, then key order. The Chain column's height record is left out (the
    /// height says it).
    /// </summary>
    internal StateExport ExportState() => new(_db.View());

    /// <summary>See <see cref="ExportState"/>.</summary>
    internal sealed class StateExport : IDisposable
    {
        private readonly StoreDatabase.StoreView _view;

        public StateExport(StoreDatabase.StoreView view)
        {
            _view = view;
            var height = view.Get(StoreColumn.Meta, MetaKeys.HeadHeight)!;
            Height = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(height);
            BlockHash = view.Get(StoreColumn.Meta, MetaKeys.HeadHash)!;
            StateRoot = view.Get(StoreColumn.Meta, MetaKeys.StateRoot)!;
        }

        public ulong Height { get; }

        public byte[] BlockHash { get; }

        public byte[] StateRoot { get; }

        public IEnumerable<SnapshotRecord> Records()
        {
            foreach (var column in SnapshotColumns)
            {
                foreach (var (key, value) in _view.Entries(StoreColumns.From(column)))
                {
                    yield return new SnapshotRecord
                    {
                        Column = (uint)column,
                        Key = Google.Protobuf.ByteString.CopyFrom(key),
                        Value = Google.Protobuf.ByteString.CopyFrom(value),
                    };
                }
            }
        }

        public void Dispose() => _view.Dispose();
    }

    /// <summary>The columns a snapshot carries, in the order it carries them.</summary>
    private static readonly StateColumn[] SnapshotColumns = [.. Enum.GetValues<StateColumn>().Where(c => c != StateColumn.Chain).Order()];

    /// <summary>See <see cref="SnapshotRestore.Restore"/>.</summary>
    internal static ChainStore Restore(string dataDir, string chainId, byte[] genesisHash, SnapshotManifest manifest, byte[] blockBytes,
        Func<int, SnapshotChunk> chunk, IProgress<int>? chunksDone)
    {
        var folder = Path.GetFullPath(dataDir);
        if (SnapshotChunks.ManifestProblem(manifest) is { } shape)
        {
            throw new StorageException($"the snapshot cannot be restored: {shape}");
        }

        var block = BlockCodec.Parse(blockBytes);
        if (!block.IsOk || block.Value!.Height != manifest.Height || !block.Value.Hash.AsSpan().SequenceEqual(manifest.BlockHash.Span)
            || !block.Value.Header.StateRoot.Span.SequenceEqual(manifest.StateRoot.Span) || block.Value.Header.ChainId != chainId)
        {
            throw new StorageException($"the snapshot cannot be restored: block {manifest.Height} given with it is not the block its manifest names");
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new StorageException($"data folder {folder} is not empty; a snapshot is restored only into an empty folder (votechain reset empties it)");
        }

        var store = Open(folder, chainId, genesisHash);
        try
        {
            store.WriteRestore(manifest, block.Value, blockBytes, chunk, chunksDone);
            store.Dispose();
            return Open(folder, chainId, genesisHash);
        }
        catch
        {
            store.Dispose();
            // The folder was empty: nothing of a half-written chain is left for a node to start from.
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    private void WriteRestore(SnapshotManifest manifest, ParsedBlock block, byte[] blockBytes, Func<int, SnapshotChunk> chunk, IProgress<int>? chunksDone)
    {
        var height = manifest.Height;
        // A crash from here on leaves the marker: the next open refuses the folder instead of serving a partial state.
        using (var marker = new WriteBatch())
        {
            _db.Put(marker, StoreColumn.Meta, MetaKeys.Restoring, MetaKeys.Height(height));
            _db.WriteSynced(marker, "starting a state sync");
        }

        var changes = new List<TreeChange>();
        var order = new SnapshotOrder();
        for (var index = 0; index < manifest.ChunkHashes.Count; index++)
        {
            using var batch = new WriteBatch();
            foreach (var record in chunk(index).Records)
            {
                var column = order.Next(record, index);
                var key = record.Key.ToByteArray();
                var value = record.Value.ToByteArray();
                _db.Put(batch, StoreColumns.From(column), key, value);
                changes.Add(new TreeChange(column, key, value));
            }

            _db.WriteSynced(batch, $"restoring chunk {index} of the snapshot at height {height}");
            chunksDone?.Report(index + 1);
        }

        if ((ulong)changes.Count != manifest.Records)
        {
            throw new StorageException($"the snapshot at height {height} holds {changes.Count} records, not the {manifest.Records} its manifest says");
        }

        changes.Add(new TreeChange(StateColumn.Chain, BlockTreeChanges.HeightKey(), BlockTreeChanges.HeightValue(height)));
        var tree = StateTree.Apply(new MemoryTreeNodeStore(), null, height, changes);
        if (!tree.NewRoot.AsSpan().SequenceEqual(manifest.StateRoot.Span))
        {
            throw new StorageException(
                $"the snapshot at height {height} does not rebuild that height's state root: its records are not the state the chain certified");
        }

        foreach (var nodes in tree.NewNodes.Chunk(RestoreBatchNodes))
        {
            using var batch = new WriteBatch();
            foreach (var (key, node) in nodes)
            {
                _db.Put(batch, StoreColumn.StateTree, key, node);
            }

            _db.WriteSynced(batch, $"writing the state tree of height {height}");
        }

        using var head = new WriteBatch();
        var next = new HeadState(height, block.Hash, tree.NewRoot);
        _db.Put(head, StoreColumn.Blocks, block.Hash, blockBytes);
        _db.Put(head, StoreColumn.HeightIndex, MetaKeys.Height(height), block.Hash);
        ChainMeta.PutHead(_db, head, next);
        _db.Put(head, StoreColumn.Meta, MetaKeys.OldestBlock, MetaKeys.Height(height));
        _db.Delete(head, StoreColumn.Meta, MetaKeys.Restoring);
        _db.WriteSynced(head, $"making height {height} the head after a state sync");
    }

    /// <summary>
    /// A snapshot's records must come in strictly rising (column, key) order, as they are written: so no key comes twice,
    /// and no column the snapshot may not carry.
    /// </summary>
    private sealed class SnapshotOrder
    {
        private uint _column;
        private byte[] _key = [];

        public StateColumn Next(SnapshotRecord record, int chunk)
        {
            if (!Enum.IsDefined((StateColumn)record.Column) || record.Column == (uint)StateColumn.Chain)
            {
                throw new StorageException($"chunk {chunk} of the snapshot holds a record of column {record.Column}, which a snapshot does not carry");
            }

            if (record.Key.Length is 0 or > SnapshotLimits.MaxKeyBytes)
            {
                throw new StorageException($"chunk {chunk} of the snapshot holds a key of {record.Key.Length} bytes; keys are 1 to {SnapshotLimits.MaxKeyBytes}");
            }

            var key = record.Key.Span;
            if (record.Column < _column || (record.Column == _column && key.SequenceCompareTo(_key) <= 0))
            {
                throw new StorageException($"chunk {chunk} of the snapshot holds its records out of order or twice");
            }

            _column = record.Column;
            _key = key.ToArray();
            return (StateColumn)record.Column;
        }
    }
}
