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
    public void A_version_1_chain_with_blocks_is_refused_with_what_to_do_and_left_as_it_was()
    {
        var store = Open();
        store.Write(Chain.Next());
        store.Dispose();
        EditRaw((db, meta) => db.Remove(Key, meta));
        Assert.That(RawVersion(), Is.Null, "a folder from before versions were recorded");
        Assert.That(ChainStore.Inspect(Folder, TestChain.ChainId, TestChain.GenesisHash)!.FormatVersion, Is.EqualTo(1));

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Is.EqualTo($"data folder {Folder} holds a chain of format version 1 (height 1), whose blocks commit to "
            + "the state with a hash chain; this votechain commits to a Merkle tree of the state (format version 2) and cannot "
            + "continue that chain: keep running the votechain that made it, or start a new chain from a new genesis in an empty data folder"));
        Assert.That(RawVersion(), Is.Null, "nothing was written");
    }

    [Test]
    public void A_version_1_folder_without_blocks_moves_to_the_state_tree_and_is_stamped()
    {
        Open().Dispose();
        var oldRoot = Consensus.Crypto.Hashing.Sha256("a version 1 genesis state root"u8);
        EditRaw((db, meta) =>
        {
            db.Remove(Key, meta);
            db.Put(Encoding.ASCII.GetBytes("state_root"), oldRoot, meta);
        });

        var reopened = Open();
        Assert.That(reopened.StateRoot, Is.EqualTo(Consensus.State.Merkle.StateTree.EmptyRoot.ToArray()));
        reopened.Write(Chain.Next());
        Assert.That(reopened.Height, Is.EqualTo(1));
        reopened.Dispose();

        Assert.That(RawVersion(), Is.EqualTo("2"));
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
