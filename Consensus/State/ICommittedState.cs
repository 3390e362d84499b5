using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Consensus.State;

/// <summary>
/// The committed state a block executes on: its records, and the state tree's nodes, so that executing the block also
/// computes the tree's next version. Storage implements it on disk, <see cref="MemoryState"/> in memory.
/// </summary>
public interface ICommittedState : IStateReader, ITreeNodeReader
{
    /// <summary>The height of the last committed block, which is also the newest version of the state tree (0: none yet).</summary>
    ulong Height { get; }
}
