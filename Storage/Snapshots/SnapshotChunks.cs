using System.Security.Cryptography;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Snapshots;

/// <summary>The checks on a snapshot's manifest and chunks that need no store: shape and bounds first, then each chunk's hash.</summary>
public static class SnapshotChunks
{
    private static readonly Google.Protobuf.MessageParser<SnapshotChunk> Chunks = SnapshotChunk.Parser.WithDiscardUnknownFields(true);

    /// <summary>Null when the manifest has the shape this binary reads; otherwise what is wrong, as a sentence.</summary>
    public static string? ManifestProblem(SnapshotManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Format != SnapshotLimits.Format)
        {
            return $"the snapshot's format is {manifest.Format}; this votechain reads format {SnapshotLimits.Format}";
        }

        if (manifest.Height == 0)
        {
            return "the snapshot is of height 0, which has no state";
        }

        if (manifest.BlockHash.Length != Hashing.HashSize || manifest.StateRoot.Length != Hashing.HashSize)
        {
            return $"the snapshot's block hash and state root must be {Hashing.HashSize} bytes each";
        }

        if (manifest.ChunkHashes.Count is 0 or > SnapshotLimits.MaxChunks)
        {
            return $"a snapshot has 1 to {SnapshotLimits.MaxChunks} chunks, not {manifest.ChunkHashes.Count}";
        }

        if (manifest.ChunkHashes.Any(h => h.Length != Hashing.HashSize))
        {
            return $"every chunk hash must be {Hashing.HashSize} bytes";
        }

        // Every chunk but an empty state's one holds at least one record; a count beyond what the chunks could hold is a lie.
        return manifest.Records > (ulong)manifest.ChunkHashes.Count * SnapshotLimits.MaxChunkBytes
            ? "the snapshot claims more records than its chunks can hold"
            : null;
    }

    /// <summary>Null when <paramref name="chunkBytes"/> is chunk <paramref name="index"/> of the manifest (its size and SHA-256).</summary>
    public static string? Problem(SnapshotManifest manifest, int index, ReadOnlySpan<byte> chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (index < 0 || index >= manifest.ChunkHashes.Count)
        {
            return $"the snapshot has no chunk {index}";
        }

        if (chunkBytes.Length > SnapshotLimits.MaxChunkBytes)
        {
            return $"chunk {index} is {chunkBytes.Length} bytes, over the {SnapshotLimits.MaxChunkBytes} a chunk may hold";
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(chunkBytes), manifest.ChunkHashes[index].Span)
            ? null
            : $"chunk {index} is not the one the manifest names: its hash differs";
    }

    /// <summary>Parses a chunk's bytes, bounded; null when they are no chunk.</summary>
    public static SnapshotChunk? Parse(ReadOnlySpan<byte> chunkBytes)
    {
        if (chunkBytes.Length > SnapshotLimits.MaxChunkBytes)
        {
            return null;
        }

        try
        {
            return Chunks.ParseFrom(chunkBytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
