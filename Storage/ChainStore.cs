using VoteChain.Consensus.Chain;
using VoteChain.Consensus.State;

namespace VoteChain.Storage;

/// <summary>
/// The node's chain and state on disk: blocks, their height and transaction indexes, the four state record
/// kinds, the head and the validator's sign-state, in one RocksDB database; and, beside them, the equivocation
/// evidence the node recorded (<see cref="Evidence"/>).
/// </summary>
/// <remarks>
/// One writer (the consensus driver) commits blocks; any number of threads may read at the same time. Dispose only
/// after readers and the writer have stopped.
/// </remarks>
public sealed partial class ChainStore : ICommittedState, IChainReader, IChainWriter, IDisposable
{
    private readonly StoreDatabase _db;
    private readonly Lock _writeLock = new();
    private volatile HeadState _head;

    private ChainStore(StoreDatabase db, HeadState head, EvidenceStore evidence)
    {
        _db = db;
        _head = head;
        Evidence = evidence;
        OldestBlock = db.Get(StoreColumn.Meta, MetaKeys.OldestBlock) is { Length: sizeof(ulong) } oldest
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(oldest)
            : 1;
    }

    /// <summary>
    /// The lowest height whose block this folder holds: 1, or the height of the snapshot a state sync started it from
    /// (docs/STATE-SYNC.md). Blocks below it are not here; the state, and every transaction's id and location, are.
    /// </summary>
    public ulong OldestBlock { get; }

    /// <summary>The full path of the data folder.</summary>
    public string Folder => _db.Folder;

    /// <summary>Height, hash and state root of the last committed block, read together.</summary>
    public HeadState Head => _head.Copy();

    public ulong Height => _head.Height;

    public byte[] HeadHash => (byte[])_head.Hash.Clone();

    public byte[] StateRoot => (byte[])_head.StateRoot.Clone();

    /// <summary>What RocksDB holds in memory now, as it counts it (metrics, the soak).</summary>
    public StorageMemory Memory() => _db.Memory();

    /// <summary>Equivocation evidence, kept in the same database (and closed with it).</summary>
    public EvidenceStore Evidence { get; }

    /// <summary>
    /// Opens the data folder for <paramref name="chainId"/>, creating the folder and the database when missing.
    /// A fresh database starts at height 0 with the genesis hash as head and the genesis state root. A database
    /// written before a column existed (the evidence column, say) opens too: RocksDB adds the missing column.
    /// </summary>
    /// <param name="evidenceLimits">Bounds on stored evidence; the defaults of <see cref="EvidenceLimits"/> when null.</param>
    /// <exception cref="StorageException">
    /// The folder is in use, is a file, holds another chain or genesis, or is unreadable or corrupt.
    /// </exception>
    public static ChainStore Open(string dataDir, string chainId, byte[] genesisHash, EvidenceLimits? evidenceLimits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        ArgumentNullException.ThrowIfNull(genesisHash);
        if (genesisHash.Length == 0)
        {
            throw new ArgumentException("The genesis hash is empty.", nameof(genesisHash));
        }

        var db = StoreDatabase.Open(dataDir);
        try
        {
            var head = ChainMeta.LoadOrInitialize(db, chainId, genesisHash);
            return new ChainStore(db, head, EvidenceStore.Load(db, evidenceLimits ?? new EvidenceLimits()));
        }
        catch
        {
            // Release the folder's lock so that the operator can fix the cause and retry in the same process.
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks a data folder as <see cref="Open"/> would (format version, chain, genesis, head) without writing to it or
    /// locking it, so it also works beside the node running on it (`votechain config check`). Null when the folder holds
    /// no database yet.
    /// </summary>
    /// <exception cref="StorageException">What <see cref="Open"/> would refuse the folder for.</exception>
    public static DataFolderSummary? Inspect(string dataDir, string chainId, byte[] genesisHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        using var db = StoreDatabase.OpenReadOnly(dataDir);
        if (db is null || ChainMeta.Load(db, chainId, genesisHash) is not { } head)
        {
            return null;
        }

        return new DataFolderSummary(head.Height, StoreFormat.Read(db), db.Get(StoreColumn.SignState, MetaKeys.SignState) is not null);
    }

    public void Dispose() => _db.Dispose();
}
