namespace VoteChain.Storage;

/// <summary>
/// What an existing data folder holds, as <see cref="ChainStore.Inspect"/> found it: its head height, its format version,
/// and whether it still keeps a validator's sign-state from before the sign-state file (the node's next start moves it).
/// </summary>
public sealed record DataFolderSummary(ulong Height, int FormatVersion, bool HasLegacySignState);
