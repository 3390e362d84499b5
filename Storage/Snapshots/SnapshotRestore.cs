using VoteChain.Protos.V1;

namespace VoteChain.Storage.Snapshots;

/// <summary>Starts a node's data folder from a snapshot instead of from genesis (docs/STATE-SYNC.md).</summary>
public static class SnapshotRestore
{
    /// <summary>
    /// Into an empty or absent data folder: writes every record, rebuilds the state tree, checks its root against the
    /// manifest's state root (which must be <paramref name="blockBytes"/>'s header's), writes that block (with its
    /// certificate) as the head, and gives back the store open at <see cref="SnapshotManifest.Height"/>. Trusts nothing
    /// in the chunks: a record out of order, of a column a snapshot does not carry, or any that changes the root fails
    /// the whole restore. The caller verifies the block's certificate, and each chunk against the manifest
    /// (<see cref="SnapshotChunks.Problem"/>) before handing it over.
    /// </summary>
    /// <param name="chunk">Chunk i of the snapshot, asked for once each, in order.</param>
    /// <param name="chunksDone">Told the number of chunks written so far, after each.</param>
    /// <exception cref="StorageException">One line saying why; the folder is left empty (removed).</exception>
    public static ChainStore Restore(string dataDir, string chainId, byte[] genesisHash, SnapshotManifest manifest, byte[] blockBytes,
        Func<int, SnapshotChunk> chunk, IProgress<int>? chunksDone = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(blockBytes);
        ArgumentNullException.ThrowIfNull(chunk);
        return ChainStore.Restore(dataDir, chainId, genesisHash, manifest, blockBytes, chunk, chunksDone);
    }
}
