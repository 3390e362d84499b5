namespace VoteChain.Storage.Snapshots;

/// <summary>Bounds on state snapshots (docs/STATE-SYNC.md), checked before anything a peer sends is buffered or trusted.</summary>
public static class SnapshotLimits
{
    /// <summary>The snapshot format this binary writes and reads.</summary>
    public const uint Format = 1;

    /// <summary>A serialized chunk's largest size: well under a peer message's bound, and few enough records to check at once.</summary>
    public const int MaxChunkBytes = 1 << 20;

    /// <summary>At most this many chunks (100 GiB of records), so a manifest stays small enough to read whole.</summary>
    public const int MaxChunks = 100_000;

    /// <summary>A manifest's largest size: its fixed fields and one 32-byte hash (with its tag and length) per chunk.</summary>
    public const int MaxManifestBytes = 256 + (MaxChunks * 34);

    /// <summary>A record's key is at most this long (the longest the rules write is an election id with a credential key).</summary>
    public const int MaxKeyBytes = 1024;
}
