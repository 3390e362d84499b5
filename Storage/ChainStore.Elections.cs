using System.Text;
using VoteChain.Protos.V1;

namespace VoteChain.Storage;

/// <summary>Enumeration of the elections on record, for listings the public API serves.</summary>
public sealed partial class ChainStore
{
    /// <summary>Every election on record, ordered by id (the column's key order).</summary>
    /// <remarks>
    /// Reads the keys first and each record by its id: records are never deleted, so every listed key still holds
    /// its election, and parsing stays in the one place that turns a bad record into a clear error.
    /// </remarks>
    /// <exception cref="StorageException">A record does not parse or the database cannot be read.</exception>
    public IReadOnlyList<ElectionRecord> Elections() =>
        _db.Keys(StoreColumn.Elections)
            .Select(key => GetElection(Encoding.UTF8.GetString(key))
                ?? throw StorageErrors.Corrupt(Folder, $"the election {Convert.ToHexStringLower(key)} vanished while listed"))
            .ToList();
}
