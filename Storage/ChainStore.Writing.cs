using Google.Protobuf;
using RocksDbSharp;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Storage;

/// <summary>The write side: committed blocks and the validator's sign-state.</summary>
public sealed partial class ChainStore
{
    /// <summary>
    /// Writes the block, its height and transaction indexes, its state changes, its version of the state tree (pruning
    /// the oldest kept one) and the new head in one synced batch: after a crash the database holds the whole block or
    /// none of it.
    /// </summary>
    /// <remarks>
    /// Every state change is a put: the rules never delete (a revoked credential or an uncounted ballot stays on
    /// record), and a zero-length value is the valid encoding of an all-default record, not a deletion.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The block is not at height <c>Height + 1</c>.</exception>
    /// <exception cref="StorageException">The write failed; nothing of the block is visible.</exception>
    public void Write(BlockWrite commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.BlockHash.Length == 0)
        {
            throw new ArgumentException("The block hash is empty.", nameof(commit));
        }

        if (commit.StateRoot.Length != Hashing.HashSize)
        {
            throw new ArgumentException($"The state root must be {Hashing.HashSize} bytes.", nameof(commit));
        }

        lock (_writeLock)
        {
            var head = _head;
            if (commit.Height != head.Height + 1)
            {
                throw new InvalidOperationException(
                    $"Cannot commit a block at height {commit.Height}: the head is at height {head.Height}, " +
                    $"so the next block must be at height {head.Height + 1}.");
            }

            var next = new HeadState(commit.Height, (byte[])commit.BlockHash.Clone(), (byte[])commit.StateRoot.Clone());
            using var batch = new WriteBatch();
            _db.Put(batch, StoreColumn.Blocks, next.Hash, commit.BlockBytes);
            _db.Put(batch, StoreColumn.HeightIndex, MetaKeys.Height(next.Height), next.Hash);
            for (var position = 0; position < commit.TxIds.Count; position++)
            {
                var location = new TxLocation { Height = next.Height, Position = (uint)position };
                _db.Put(batch, StoreColumn.TxIndex, commit.TxIds[position], location.ToByteArray());
            }

            foreach (var change in commit.Changes)
            {
                _db.Put(batch, StoreColumns.From(change.Column), change.Key, change.Value);
            }

            if (commit.Tree is { } tree)
            {
                PutTree(batch, next.Height, next.StateRoot, tree);
            }

            ChainMeta.PutHead(_db, batch, next);
            _db.WriteSynced(batch, $"committing block {next.Height}");

            // Only now is the block on disk; readers must not see a head the database does not hold.
            _head = next;
            if (commit.Tree is { } written)
            {
                _lastWritten = new Dictionary<byte[], byte[]>(written.NewNodes, ByteKeyComparer.Instance);
                foreach (var stale in written.StaleNodes)
                {
                    _topLevels.Forget(stale);
                }

                foreach (var (key, node) in written.NewNodes)
                {
                    _topLevels.Offer(key, node);
                }
            }
        }
    }

    /// <summary>
    /// Stores a sign-state in the database column where nodes before the sign-state file kept it. Only tests use it,
    /// to build such an old data folder; the node writes its sign-state to <see cref="Signing.SignStateFile"/>.
    /// </summary>
    internal void WriteLegacySignState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var batch = new WriteBatch();
        _db.Put(batch, StoreColumn.SignState, MetaKeys.SignState, state);
        _db.WriteSynced(batch, "writing the sign-state");
    }

    /// <summary>Removes the old in-database sign-state once it lives in its file, so the column is never read again.</summary>
    internal void DeleteLegacySignState()
    {
        using var batch = new WriteBatch();
        _db.Delete(batch, StoreColumn.SignState, MetaKeys.SignState);
        _db.WriteSynced(batch, "removing the old sign-state");
    }
}
