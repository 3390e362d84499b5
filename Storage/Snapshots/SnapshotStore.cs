using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Snapshots;

/// <summary>
/// One folder of state snapshots (docs/STATE-SYNC.md): a folder per height, named by it (20 digits, so names sort by
/// height), holding <c>manifest.bin</c> and <c>chunk-NNNNNN.bin</c> files. A snapshot is written into a hidden folder and
/// renamed into place with its manifest written last, so a reader never sees half of one. Only the newest
/// <see cref="Kept"/> stay.
/// </summary>
public sealed class SnapshotStore
{
    private const string ManifestFile = "manifest.bin";
    private const int HeightDigits = 20;

    public SnapshotStore(string folder, int kept)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(kept, 1);
        Folder = Path.GetFullPath(folder);
        Kept = kept;
    }

    public string Folder { get; }

    public int Kept { get; }

    /// <summary>
    /// Writes the state at <paramref name="store"/>'s head as it is when called (one consistent view: the node may go on
    /// committing meanwhile), then removes all but the newest <see cref="Kept"/>. The snapshot of a height already kept
    /// is not written again.
    /// </summary>
    /// <exception cref="StorageException">The store has no block yet, or the folder cannot be written.</exception>
    public SnapshotManifest Create(ChainStore store, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var export = store.ExportState();
        if (export.Height == 0)
        {
            throw new StorageException("a snapshot needs a committed block; the chain has none yet");
        }

        if (Find(export.Height) is { } existing)
        {
            return existing;
        }

        var temporary = Path.Combine(Folder, $".writing-{export.Height}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temporary);
            var manifest = WriteChunks(export, temporary, cancel);
            File.WriteAllBytes(Path.Combine(temporary, ManifestFile), manifest.ToByteArray());
            Directory.Move(temporary, PathOf(export.Height));
            Prune();
            return manifest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"snapshot folder {Folder}: writing the snapshot of height {export.Height} failed ({e.Message}); check free disk space there", e);
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    /// <summary>The kept snapshots' manifests, newest first; a folder that is not a whole snapshot is passed over.</summary>
    public IReadOnlyList<SnapshotManifest> List()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(Folder)
            .Select(Path.GetFileName)
            .Where(name => name is { Length: HeightDigits } && name.All(char.IsAsciiDigit))
            .Select(name => ReadManifest(Path.Combine(Folder, name!)))
            .OfType<SnapshotManifest>()
            .OrderByDescending(m => m.Height)];
    }

    /// <summary>Chunk <paramref name="index"/> of the snapshot at <paramref name="height"/> as written, or null (unknown, or pruned meanwhile).</summary>
    public byte[]? ReadChunk(ulong height, int index)
    {
        if (index < 0 || index >= SnapshotLimits.MaxChunks)
        {
            return null;
        }

        try
        {
            var path = Path.Combine(PathOf(height), ChunkFile(index));
            return new FileInfo(path) is { Exists: true, Length: <= SnapshotLimits.MaxChunkBytes } ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static SnapshotManifest WriteChunks(ChainStore.StateExport export, string folder, CancellationToken cancel)
    {
        var manifest = new SnapshotManifest
        {
            Format = SnapshotLimits.Format,
            Height = export.Height,
            BlockHash = ByteString.CopyFrom(export.BlockHash),
            StateRoot = ByteString.CopyFrom(export.StateRoot),
        };
        var chunk = new SnapshotChunk();
        var size = 0;
        foreach (var record in export.Records())
        {
            var recordSize = 1 + CodedOutputStream.ComputeMessageSize(record);
            if (recordSize > SnapshotLimits.MaxChunkBytes)
            {
                throw new StorageException($"a record of column {record.Column} is {recordSize} bytes, over what one snapshot chunk holds");
            }

            if (size + recordSize > SnapshotLimits.MaxChunkBytes)
            {
                cancel.ThrowIfCancellationRequested();
                Flush(manifest, chunk, folder);
                chunk = new SnapshotChunk();
                size = 0;
            }

            chunk.Records.Add(record);
            size += recordSize;
            manifest.Records++;
        }

        Flush(manifest, chunk, folder);
        if (manifest.ChunkHashes.Count > SnapshotLimits.MaxChunks)
        {
            throw new StorageException($"the state at height {export.Height} needs more than {SnapshotLimits.MaxChunks} snapshot chunks");
        }

        return manifest;
    }

    private static void Flush(SnapshotManifest manifest, SnapshotChunk chunk, string folder)
    {
        var bytes = chunk.ToByteArray();
        File.WriteAllBytes(Path.Combine(folder, ChunkFile(manifest.ChunkHashes.Count)), bytes);
        manifest.ChunkHashes.Add(ByteString.CopyFrom(SHA256.HashData(bytes)));
    }

    private SnapshotManifest? Find(ulong height) => ReadManifest(PathOf(height));

    private static SnapshotManifest? ReadManifest(string folder)
    {
        try
        {
            var path = Path.Combine(folder, ManifestFile);
            if (new FileInfo(path) is not { Exists: true, Length: <= SnapshotLimits.MaxManifestBytes })
            {
                return null;
            }

            var manifest = SnapshotManifest.Parser.ParseFrom(File.ReadAllBytes(path));
            return SnapshotChunks.ManifestProblem(manifest) is null ? manifest : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private void Prune()
    {
        foreach (var old in List().Skip(Kept))
        {
            Directory.Delete(PathOf(old.Height), recursive: true);
        }
    }

    private string PathOf(ulong height) => Path.Combine(Folder, height.ToString(CultureInfo.InvariantCulture).PadLeft(HeightDigits, '0'));

    private static string ChunkFile(int index) => $"chunk-{index.ToString("D6", CultureInfo.InvariantCulture)}.bin";
}
