using VoteChain.Consensus.State;

namespace VoteChain.Storage;

/// <summary>Names of the column families and the mapping from the core's state columns onto them.</summary>
public static class StoreColumns
{
    /// <summary>Every column, in declaration order.</summary>
    public static IReadOnlyList<StoreColumn> All { get; } = Enum.GetValues<StoreColumn>().AsReadOnly();

    /// <summary>
    /// The column family name on disk. Written out rather than derived from <c>ToString()</c> so that renaming an
    /// enum member can never orphan the data of an existing node.
    /// </summary>
    public static string Name(StoreColumn column) => column switch
    {
        StoreColumn.Blocks => "blocks",
        StoreColumn.HeightIndex => "height_index",
        StoreColumn.TxIndex => "tx_index",
        StoreColumn.Elections => "elections",
        StoreColumn.Credentials => "credentials",
        StoreColumn.Ballots => "ballots",
        StoreColumn.Tallies => "tallies",
        StoreColumn.Meta => "meta",
        StoreColumn.SignState => "sign_state",
        StoreColumn.Evidence => "evidence",
        StoreColumn.Secrets => "secrets",
        StoreColumn.Issuance => "issuance",
        StoreColumn.IssuerKeys => "issuer_keys",
        StoreColumn.Governance => "governance",
        StoreColumn.StateTree => "state_tree",
        StoreColumn.StateTreeStale => "state_tree_stale",
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "Unknown store column."),
    };

    /// <summary>
    /// Where a state change lands. Explicit, because the two enums number their members independently. The transaction
    /// ids the tree commits to are the transaction index; the tree's height record has no column of its own.
    /// </summary>
    public static StoreColumn From(StateColumn column) => column switch
    {
        StateColumn.Elections => StoreColumn.Elections,
        StateColumn.Credentials => StoreColumn.Credentials,
        StateColumn.Ballots => StoreColumn.Ballots,
        StateColumn.Tallies => StoreColumn.Tallies,
        StateColumn.Secrets => StoreColumn.Secrets,
        StateColumn.Issuance => StoreColumn.Issuance,
        StateColumn.IssuerKeys => StoreColumn.IssuerKeys,
        StateColumn.Governance => StoreColumn.Governance,
        StateColumn.Transactions => StoreColumn.TxIndex,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "Unknown state column."),
    };
}
