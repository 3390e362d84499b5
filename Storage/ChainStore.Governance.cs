using VoteChain.Consensus.Governance;

namespace VoteChain.Storage;

/// <summary>Enumeration of governance records, for the listings the public API serves.</summary>
public sealed partial class ChainStore
{
    /// <summary>The keys of every election authority governance added or removed (genesis's others have no record).</summary>
    /// <exception cref="StorageException">The database cannot be read.</exception>
    public IReadOnlyList<byte[]> AuthorityRecordKeys() => KeySuffixes(GovernanceKeys.AuthorityPrefix);

    private List<byte[]> KeySuffixes(byte[] prefix) =>
        [.. _db.Keys(StoreColumn.Governance, prefix).Select(key => key[prefix.Length..])];
}
