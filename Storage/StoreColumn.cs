namespace VoteChain.Storage;

/// <summary>
/// Every RocksDB column family the node keeps. The numeric values are never stored (column families are
/// opened by name), but they stay stable so that logs and metrics can name a column by number.
/// </summary>
public enum StoreColumn : byte
{
    /// <summary>Block hash to the serialized <c>Block</c>.</summary>
    Blocks = 1,

    /// <summary>8-byte big-endian height to block hash; big-endian so that keys sort by height.</summary>
    HeightIndex = 2,

    /// <summary>Transaction id to a serialized <c>TxLocation</c>.</summary>
    TxIndex = 3,

    Elections = 4,
    Credentials = 5,
    Ballots = 6,
    Tallies = 7,

    /// <summary>Chain id, genesis hash, head height, head hash and state root.</summary>
    Meta = 8,

    /// <summary>
    /// Where nodes before the sign-state file kept the validator's last-signed state. Read once to move it into the
    /// file (<see cref="Signing.LegacySignState"/>), then emptied; the column stays because RocksDB must open every
    /// column a database has.
    /// </summary>
    SignState = 9,

    /// <summary>
    /// Equivocation evidence the node recorded, with its own indexes (see <see cref="EvidenceKeys"/>). Added after
    /// the first release: an older data folder gets the column when it is next opened.
    /// </summary>
    Evidence = 10,

    /// <summary>Key generation and decryption records of secret elections, by election id.</summary>
    Secrets = 11,

    /// <summary>Anonymous elections: per weight, the issuers' keys and the served and registered counts.</summary>
    Issuance = 12,

    /// <summary>Anonymous elections: where each issuer key is in use, by the SHA-256 of the key.</summary>
    IssuerKeys = 13,

    /// <summary>Governance: proposals, validator sets by activation, authorities, retired keys, parameters.</summary>
    Governance = 14,

    /// <summary>
    /// The state tree's nodes (docs/STATE-PROOFS.md), by <c>TreeNodeKey</c>: version (height) first, then the node's
    /// path. Added with format version 2.
    /// </summary>
    StateTree = 15,

    /// <summary>
    /// Which nodes each version made stale: the version (8 bytes, big-endian) and the node's key, to nothing. Pruning
    /// walks it from the oldest version and deletes the nodes no kept version reaches.
    /// </summary>
    StateTreeStale = 16,
}
