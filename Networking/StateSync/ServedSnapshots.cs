using VoteChain.Protos.V1;
using VoteChain.Storage;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Networking.StateSync;

/// <summary>
/// The snapshots a node serves its peers: its <see cref="SnapshotStore"/>, with the list of manifests read once and again
/// after each snapshot made, not from disk at every ListSnapshots (a manifest may be megabytes, and anyone may ask).
/// </summary>
public sealed class ServedSnapshots
{
    private readonly SnapshotStore _store;
    private volatile IReadOnlyList<SnapshotManifest>? _list;

    public ServedSnapshots(SnapshotStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public string Folder => _store.Folder;

    /// <summary>The kept snapshots' manifests, newest first.</summary>
    public IReadOnlyList<SnapshotManifest> List() => _list ??= _store.List();

    /// <summary>Chunk <paramref name="index"/> of the snapshot at <paramref name="height"/> as written, or null.</summary>
    public byte[]? ReadChunk(ulong height, int index) => _store.ReadChunk(height, index);

    /// <summary>Takes a snapshot of the store's head (<see cref="SnapshotStore.Create"/>) and serves the new list.</summary>
    /// <exception cref="StorageException">The snapshot could not be written.</exception>
    public SnapshotManifest Create(ChainStore store, CancellationToken cancel)
    {
        try
        {
            return _store.Create(store, cancel);
        }
        finally
        {
            // Pruned or added, the folder changed (or may have): read it again.
            _list = _store.List();
        }
    }
}
