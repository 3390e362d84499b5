namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// Where the tree's nodes are read from, declared by the core: Storage answers from its node column, tests and
/// <see cref="MemoryTreeNodeStore"/> from memory. The tree never writes through it; it hands back a <see cref="TreeUpdate"/>
/// for the caller to persist in the block's own write batch.
/// </summary>
public interface ITreeNodeReader
{
    /// <summary>The encoded node stored under <paramref name="nodeKey"/> (<see cref="TreeNodeKey"/>), or null.</summary>
    byte[]? Get(ReadOnlySpan<byte> nodeKey);
}
