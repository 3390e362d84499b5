namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// What applying one block's changes to the tree produced, computed without writing anything: the new root hash, the
/// nodes to store (sorted by key, so a write batch is built the same way on every node), and the nodes the new version
/// no longer reaches. Stale nodes stay readable for older versions; once no kept version is older than
/// <see cref="Version"/>, they can be deleted (<see cref="MemoryTreeNodeStore.Prune"/>).
/// </summary>
public sealed record TreeUpdate(
    ulong Version,
    byte[] NewRoot,
    IReadOnlyList<KeyValuePair<byte[], byte[]>> NewNodes,
    IReadOnlyList<byte[]> StaleNodes);
