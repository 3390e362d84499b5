using System.Globalization;
using System.Text;
using RocksDbSharp;

namespace VoteChain.Storage;

/// <summary>
/// The data folder's format version: what layout of columns, keys and values this binary writes. Kept in the meta column
/// under <c>format_version</c> as ASCII digits, a key every version keeps, so that any binary can read it before it
/// trusts anything else in the folder. A newer binary migrates an older folder on open, one version at a time; an older
/// binary refuses a newer folder instead of misreading it.
/// </summary>
public static class StoreFormat
{
    /// <summary>
    /// The version this binary writes and reads. Raise it with every change an older binary would misread (a key's
    /// encoding, a column's meaning), and add the step from the version before to <see cref="Steps"/>.
    /// </summary>
    public const int Current = 2;

    /// <summary>
    /// <c>Steps[v - 1]</c> rewrites a folder of version v into version v + 1, adding its writes to the batch that also
    /// stamps the new version (so a step is applied whole or not at all), or refuses with what to do instead.
    /// </summary>
    private static readonly IReadOnlyList<Action<StoreDatabase, WriteBatch>> Steps = [ToStateTree];

    /// <summary>Whether every version below <see cref="Current"/> has its step (a test holds the list to that).</summary>
    public static bool EveryOlderVersionMigrates => Steps.Count == Current - 1;

    /// <summary>
    /// The folder's version, refusing one newer than <see cref="Current"/> or malformed. A folder written before versions
    /// were recorded holds none: that is version 1, the layout those binaries wrote.
    /// </summary>
    internal static int Read(StoreDatabase db)
    {
        var stored = db.Get(StoreColumn.Meta, MetaKeys.FormatVersion);
        if (stored is null)
        {
            return 1;
        }

        var text = Encoding.ASCII.GetString(stored);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw StorageErrors.Corrupt(db.Folder, "its format version record is malformed");
        }

        return version <= Current ? version : throw StorageErrors.NewerFormat(db.Folder, version, Current);
    }

    /// <summary>
    /// Brings a folder of an older or unrecorded version to <see cref="Current"/>: one synced batch per step, each stamping
    /// the version it reached, so a crash between steps resumes from the last one done.
    /// </summary>
    internal static void Upgrade(StoreDatabase db)
    {
        var recorded = db.Get(StoreColumn.Meta, MetaKeys.FormatVersion) is not null;
        var version = Read(db);
        if (version == Current)
        {
            if (!recorded)
            {
                // Written before versions were recorded, in today's layout: record it so that later binaries know.
                using var stamp = new WriteBatch();
                Stamp(db, stamp, Current);
                db.WriteSynced(stamp, "recording the data folder's format version");
            }

            return;
        }

        for (; version < Current; version++)
        {
            using var step = new WriteBatch();
            Steps[version - 1](db, step);
            Stamp(db, step, version + 1);
            db.WriteSynced(step, $"migrating the data folder from format version {version} to {version + 1}");
        }
    }

    /// <summary>
    /// Version 2 commits to the state with a Merkle tree (docs/STATE-PROOFS.md) where version 1 chained each block's changes
    /// into a hash. A chain's blocks carry their state roots in certified headers, so a chain begun under version 1 cannot
    /// go on under version 2: only a folder with no block yet moves (its head takes the empty tree's root).
    /// </summary>
    private static void ToStateTree(StoreDatabase db, WriteBatch batch)
    {
        var height = db.Get(StoreColumn.Meta, MetaKeys.HeadHeight);
        if (height is not null && System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(height) > 0)
        {
            throw StorageErrors.ChainBeforeStateTree(db.Folder, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(height));
        }

        db.Put(batch, StoreColumn.Meta, MetaKeys.StateRoot, Consensus.State.Merkle.StateTree.EmptyRoot.ToArray());
    }

    /// <summary>Adds the version record to a batch (a fresh folder's first write carries it).</summary>
    internal static void Stamp(StoreDatabase db, WriteBatch batch, int version) =>
        db.Put(batch, StoreColumn.Meta, MetaKeys.FormatVersion, Encoding.ASCII.GetBytes(version.ToString(CultureInfo.InvariantCulture)));
}
