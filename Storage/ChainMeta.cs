using System.Buffers.Binary;
using System.Text;
using RocksDbSharp;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Storage;

/// <summary>
/// The meta column at open time: written once for a fresh database, checked against the expected chain for an
/// existing one. The five values are always written together (with the format version, <see cref="StoreFormat"/>), so a
/// database holds all of them or none.
/// </summary>
internal static class ChainMeta
{
    public static HeadState LoadOrInitialize(StoreDatabase db, string chainId, byte[] genesisHash)
    {
        var head = Load(db, chainId, genesisHash);
        if (head is null)
        {
            return Initialize(db, chainId, genesisHash);
        }

        // Only a folder of this chain is migrated: one of another chain is left as it was found. A step may rewrite the
        // head (the state root a folder without blocks starts from), so it is read again after.
        StoreFormat.Upgrade(db);
        return Load(db, chainId, genesisHash)!;
    }

    /// <summary>
    /// The head of an existing database after every check (format version first, since a newer format may keep the rest
    /// differently; then chain, genesis and head); null for a fresh one. Writes nothing.
    /// </summary>
    public static HeadState? Load(StoreDatabase db, string chainId, byte[] genesisHash)
    {
        StoreFormat.Read(db);
        if (db.Get(StoreColumn.Meta, MetaKeys.Restoring) is not null)
        {
            throw StorageErrors.InterruptedStateSync(db.Folder);
        }

        var storedChain = db.Get(StoreColumn.Meta, MetaKeys.ChainId);
        var storedGenesis = db.Get(StoreColumn.Meta, MetaKeys.GenesisHash);
        var height = db.Get(StoreColumn.Meta, MetaKeys.HeadHeight);
        var hash = db.Get(StoreColumn.Meta, MetaKeys.HeadHash);
        var root = db.Get(StoreColumn.Meta, MetaKeys.StateRoot);

        if (storedChain is null && storedGenesis is null && height is null && hash is null && root is null)
        {
            return null;
        }

        if (storedChain is null || storedGenesis is null || height is null || hash is null || root is null)
        {
            throw StorageErrors.Corrupt(db.Folder, "its chain record is incomplete");
        }

        var storedChainId = Encoding.UTF8.GetString(storedChain);
        if (storedChainId != chainId)
        {
            throw StorageErrors.WrongChain(db.Folder, storedChainId, chainId);
        }

        if (!storedGenesis.AsSpan().SequenceEqual(genesisHash))
        {
            throw StorageErrors.WrongGenesis(db.Folder, chainId, storedGenesis, genesisHash);
        }

        if (height.Length != sizeof(ulong) || hash.Length == 0 || root.Length != Hashing.HashSize)
        {
            throw StorageErrors.Corrupt(db.Folder, "its head record is malformed");
        }

        var head = new HeadState(BinaryPrimitives.ReadUInt64BigEndian(height), hash, root);
        CheckHeadIsIndexed(db, head, genesisHash);
        return head;
    }

    /// <summary>
    /// The head must name a block the indexes can find; otherwise the chain cannot be extended or served, and it
    /// is better to say so at start than on the first request.
    /// </summary>
    private static void CheckHeadIsIndexed(StoreDatabase db, HeadState head, byte[] genesisHash)
    {
        if (head.Height == 0)
        {
            if (!head.Hash.AsSpan().SequenceEqual(genesisHash))
            {
                throw StorageErrors.Corrupt(db.Folder, "its head at height 0 is not the genesis hash");
            }

            return;
        }

        var indexed = db.Get(StoreColumn.HeightIndex, MetaKeys.Height(head.Height));
        if (indexed is null || !indexed.AsSpan().SequenceEqual(head.Hash) || db.Get(StoreColumn.Blocks, head.Hash) is null)
        {
            throw StorageErrors.Corrupt(db.Folder, $"its head block at height {head.Height} is missing");
        }
    }

    private static HeadState Initialize(StoreDatabase db, string chainId, byte[] genesisHash)
    {
        var head = new HeadState(0, (byte[])genesisHash.Clone(), StateTree.EmptyRoot.ToArray());
        using var batch = new WriteBatch();
        db.Put(batch, StoreColumn.Meta, MetaKeys.ChainId, Encoding.UTF8.GetBytes(chainId));
        db.Put(batch, StoreColumn.Meta, MetaKeys.GenesisHash, head.Hash);
        StoreFormat.Stamp(db, batch, StoreFormat.Current);
        PutHead(db, batch, head);
        db.WriteSynced(batch, "writing the genesis head");
        return head;
    }

    /// <summary>Adds the head's three meta values to a batch.</summary>
    public static void PutHead(StoreDatabase db, WriteBatch batch, HeadState head)
    {
        db.Put(batch, StoreColumn.Meta, MetaKeys.HeadHeight, MetaKeys.Height(head.Height));
        db.Put(batch, StoreColumn.Meta, MetaKeys.HeadHash, head.Hash);
        db.Put(batch, StoreColumn.Meta, MetaKeys.StateRoot, head.StateRoot);
    }
}
