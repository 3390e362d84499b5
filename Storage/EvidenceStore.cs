using Google.Protobuf;
using RocksDbSharp;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Storage;

/// <summary>
/// The equivocation evidence a node recorded, in the evidence column of its database (keys: see
/// <see cref="EvidenceKeys"/>), within <see cref="EvidenceLimits"/>. Each new record is written in one synced
/// batch with its indexes, so after a crash a record is there with its indexes or not at all.
/// </summary>
/// <remarks>One writer at a time (the consensus driver); any number of readers.</remarks>
public sealed class EvidenceStore : IEvidenceStore
{
    private readonly StoreDatabase _db;
    private readonly Lock _writeLock = new();
    private long _count;
    private long _bytes;
    private ulong _nextSequence;

    private EvidenceStore(StoreDatabase db, EvidenceLimits limits, long count, long bytes, ulong nextSequence)
    {
        _db = db;
        Limits = limits;
        _count = count;
        _bytes = bytes;
        _nextSequence = nextSequence;
    }

    public EvidenceLimits Limits { get; }

    public long EvidenceCount => Interlocked.Read(ref _count);

    /// <summary>
    /// Counts what is stored from the slot index (small fixed-size entries, at most <see cref="EvidenceLimits.MaxRecords"/>),
    /// rather than keeping a counter that a bug could let drift from the records.
    /// </summary>
    internal static EvidenceStore Load(StoreDatabase db, EvidenceLimits limits)
    {
        long count = 0;
        long bytes = 0;
        ulong last = 0;
        foreach (var slot in db.Scan(StoreColumn.Evidence, EvidenceKeys.AllSlots, descending: false, int.MaxValue))
        {
            if (!EvidenceKeys.TryReadSlot(slot.Value, out var sequence, out var size))
            {
                throw StorageErrors.Corrupt(db.Folder, $"the evidence slot {Convert.ToHexStringLower(slot.Key)} is malformed");
            }

            count++;
            bytes += size;
            last = Math.Max(last, sequence);
        }

        return new EvidenceStore(db, limits, count, bytes, last + 1);
    }

    /// <summary>
    /// Stores the record unless its pair (in either order) is stored, its (validator, height) already has a record,
    /// or a bound of <see cref="Limits"/> would be passed. The id is recomputed from the messages and the sequence
    /// assigned here; the caller's values for both are ignored.
    /// </summary>
    /// <exception cref="StorageException">The write failed; nothing of the record is visible.</exception>
    public EvidenceWriteOutcome WriteEvidence(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.First.IsEmpty || record.Second.IsEmpty)
        {
            throw new ArgumentException("Evidence needs both messages.", nameof(record));
        }

        var id = EvidenceRecords.Id(record);
        var idKey = EvidenceKeys.Id(id);
        var slotKey = EvidenceKeys.Slot(record.ValidatorIndex, record.Height);
        lock (_writeLock)
        {
            // Checked before any bound: a pair the engine reports again (messages are re-sent) must never read as
            // a full store.
            if (_db.Get(StoreColumn.Evidence, idKey) is not null)
            {
                return EvidenceWriteOutcome.Duplicate;
            }

            if (_db.Get(StoreColumn.Evidence, slotKey) is not null)
            {
                return EvidenceWriteOutcome.HeightRecorded;
            }

            var stored = record.Clone();
            stored.Id = ByteString.CopyFrom(id);
            stored.Sequence = _nextSequence;
            var bytes = stored.ToByteArray();
            if (_count >= Limits.MaxRecords || _bytes + bytes.Length > Limits.MaxBytes)
            {
                return EvidenceWriteOutcome.StoreFull;
            }

            var (validatorRecords, validatorBytes) = ShareOf(record.ValidatorIndex);
            if (validatorRecords >= Limits.MaxRecordsPerValidator || validatorBytes + bytes.Length > Limits.MaxBytesPerValidator)
            {
                return EvidenceWriteOutcome.ValidatorFull;
            }

            using var batch = new WriteBatch();
            _db.Put(batch, StoreColumn.Evidence, EvidenceKeys.Record(stored.Sequence), bytes);
            _db.Put(batch, StoreColumn.Evidence, idKey, EvidenceKeys.Sequence(stored.Sequence));
            _db.Put(batch, StoreColumn.Evidence, slotKey, EvidenceKeys.SlotValue(stored.Sequence, bytes.Length));
            _db.WriteSynced(batch, $"recording evidence against validator {record.ValidatorIndex} at height {record.Height}");

            _nextSequence++;
            _bytes += bytes.Length;
            Interlocked.Increment(ref _count);
            return EvidenceWriteOutcome.Stored;
        }
    }

    /// <summary>
    /// The most recently stored records, newest first, at most <paramref name="limit"/> and, after the first, no
    /// more than <paramref name="maxBytes"/> of serialized records.
    /// </summary>
    /// <exception cref="StorageException">A record does not parse or the database cannot be read.</exception>
    public IReadOnlyList<EvidenceRecord> NewestEvidence(int limit, long maxBytes = long.MaxValue)
    {
        if (limit <= 0)
        {
            return [];
        }

        return _db.Scan(StoreColumn.Evidence, EvidenceKeys.Records, descending: true, limit, maxBytes)
            .Select(entry => Parse(entry.Key, entry.Value))
            .ToList();
    }

    /// <summary>Records and bytes stored against one validator: one scan over its slots, which its share bounds.</summary>
    private (int Records, long Bytes) ShareOf(uint validator)
    {
        var records = 0;
        long bytes = 0;
        foreach (var slot in _db.Scan(StoreColumn.Evidence, EvidenceKeys.SlotsOf(validator), descending: false, int.MaxValue))
        {
            if (!EvidenceKeys.TryReadSlot(slot.Value, out _, out var size))
            {
                throw StorageErrors.Corrupt(_db.Folder, $"the evidence slot {Convert.ToHexStringLower(slot.Key)} is malformed");
            }

            records++;
            bytes += size;
        }

        return (records, bytes);
    }

    private EvidenceRecord Parse(byte[] key, byte[] value)
    {
        try
        {
            return EvidenceRecord.Parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw StorageErrors.Corrupt(_db.Folder, $"the evidence record at key {Convert.ToHexStringLower(key)} does not parse", e);
        }
    }
}
