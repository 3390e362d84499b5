using System.Text;
using RocksDbSharp;

namespace VoteChain.Storage.Tests;

/// <summary>
/// The data folder's format version: recorded on a fresh folder, stamped on a folder from before it was recorded, and a
/// folder of a newer version (even one with columns this binary never heard of) refused with one line, by the read-write
/// open and the read-only inspection alike.
/// </summary>
public sealed class FormatVersionTests : StoreFixture
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("format_version");

    [Test]
    public void A_fresh_folder_records_the_current_version()
    {
        Open().Dispose();

        Assert.That(RawVersion(), Is.EqualTo(StoreFormat.Current.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void A_folder_from_before_versions_were_recorded_opens_as_version_1_and_is_stamped()
    {
        var store = Open();
        store.Write(Chain.Next());
        store.Dispose();
        EditRaw((db, meta) => db.Remove(Key, meta));
        Assert.That(RawVersion(), Is.Null);
        Assert.That(ChainStore.Inspect(Folder, TestChain.ChainId, TestChain.GenesisHash)!.FormatVersion, Is.EqualTo(1));

        var reopened = Open();

        Assert.That(reopened.Height, Is.EqualTo(1));
        reopened.Dispose();
        Assert.That(RawVersion(), Is.EqualTo("1"));
    }

    [Test]
    public void A_folder_of_a_newer_version_with_a_column_unknown_here_is_refused_in_one_line()
    {
        var store = Open();
        store.Write(Chain.Next());
        store.Dispose();
        var newer = StoreFormat.Current + 1;
        EditRaw((db, meta) =>
        {
            db.Put(Key, Encoding.ASCII.GetBytes(newer.ToString(System.Globalization.CultureInfo.InvariantCulture)), meta);
            db.CreateColumnFamily(new ColumnFamilyOptions(), "added_by_a_newer_votechain");
        });
        var expected = $"data folder {Folder} has format version {newer}; this votechain reads up to {StoreFormat.Current}: "
            + "upgrade votechain (or restore a backup made by this version)";

        var opened = Assert.Throws<StorageException>(() => Open());
        var inspected = Assert.Throws<StorageException>(() => ChainStore.Inspect(Folder, TestChain.ChainId, TestChain.GenesisHash));

        Assert.That(opened.Message, Is.EqualTo(expected));
        Assert.That(inspected.Message, Is.EqualTo(expected));
        Assert.That(RawVersion(), Is.EqualTo(newer.ToString(System.Globalization.CultureInfo.InvariantCulture)), "the folder is left as it was");
    }

    [Test]
    public void A_malformed_version_is_reported_as_corruption()
    {
        Open().Dispose();
        EditRaw((db, meta) => db.Put(Key, "two"u8.ToArray(), meta));

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain("is corrupt: its format version record is malformed"));
    }

    [Test]
    public void Every_older_version_has_a_migration_step()
    {
        Assert.That(StoreFormat.EveryOlderVersionMigrates, Is.True);
    }

    [Test]
    public void Inspection_reads_beside_a_running_store_and_writes_nothing()
    {
        Assert.That(ChainStore.Inspect(Folder, TestChain.ChainId, TestChain.GenesisHash), Is.Null);
        Assert.That(Directory.Exists(Folder), Is.False, "inspecting a missing folder creates nothing");

        var store = Open();
        store.Write(Chain.Next());
        store.Write(Chain.Next());

        var summary = ChainStore.Inspect(Folder, TestChain.ChainId, TestChain.GenesisHash);

        Assert.That(summary, Is.EqualTo(new DataFolderSummary(2, StoreFormat.Current, false)));
        Assert.That(Assert.Throws<StorageException>(() => ChainStore.Inspect(Folder, "other-chain", TestChain.GenesisHash)).Message,
            Does.Contain($"holds chain '{TestChain.ChainId}', not 'other-chain'"));
    }

    private string? RawVersion()
    {
        string? version = null;
        EditRaw((db, meta) => version = db.Get(Key, meta) is { } bytes ? Encoding.ASCII.GetString(bytes) : null);
        return version;
    }

    /// <summary>Opens the folder with RocksDB itself, every column it has, as another binary would.</summary>
    private void EditRaw(Action<RocksDb, ColumnFamilyHandle> edit)
    {
        var families = new ColumnFamilies();
        foreach (var family in RocksDb.ListColumnFamilies(new DbOptions(), Folder).Where(f => f != "default"))
        {
            families.Add(family, new ColumnFamilyOptions());
        }

        using var db = RocksDb.Open(new DbOptions(), Folder, families);
        edit(db, db.GetColumnFamily("meta"));
    }
}
