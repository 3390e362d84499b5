using System.Text;
using RocksDbSharp;

namespace VoteChain.Storage.Tests;

/// <summary>
/// Damage that RocksDB itself cannot see: its files are sound, but the chain record inside them is not. The
/// database is edited directly, under the column family names the store uses on disk.
/// </summary>
public sealed class CorruptionTests : StoreFixture
{
    private static readonly byte[] HeadHeightKey = Encoding.ASCII.GetBytes("head_height");

    [Test]
    public void A_database_missing_part_of_its_chain_record_is_reported_as_corrupt()
    {
        Open().Dispose();
        EditRaw((db, column) => db.Remove(HeadHeightKey, column(StoreColumn.Meta)));

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(Folder).And.Contain("corrupt").And.Contain("incomplete"));
    }

    [Test]
    public void A_malformed_head_height_is_reported_as_corrupt()
    {
        Open().Dispose();
        EditRaw((db, column) => db.Put(HeadHeightKey, new byte[] { 1, 2, 3 }, column(StoreColumn.Meta)));

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain("corrupt").And.Contain("malformed"));
    }

    [Test]
    public void A_head_whose_block_is_not_indexed_is_reported_as_corrupt()
    {
        using (var store = ChainStore.Open(Folder, TestChain.ChainId, TestChain.GenesisHash))
        {
            store.Write(Chain.Next());
        }

        EditRaw((db, column) => db.Remove(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 }, column(StoreColumn.HeightIndex)));

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain("corrupt").And.Contain("height 1 is missing"));
    }

    [Test]
    public void A_non_empty_folder_without_a_database_is_refused_untouched()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "notes.txt"), "someone else's file");

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(Folder).And.Contain("holds no VoteChain database"));
        Assert.That(Directory.GetFileSystemEntries(Folder), Has.Length.EqualTo(1));
    }

    private void EditRaw(Action<RocksDb, Func<StoreColumn, ColumnFamilyHandle>> edit)
    {
        var families = new ColumnFamilies();
        foreach (var column in StoreColumns.All)
        {
            families.Add(StoreColumns.Name(column), new ColumnFamilyOptions());
        }

        using var db = RocksDb.Open(new DbOptions(), Folder, families);
        edit(db, column => db.GetColumnFamily(StoreColumns.Name(column)));
    }
}
