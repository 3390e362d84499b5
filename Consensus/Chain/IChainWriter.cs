namespace VoteChain.Consensus.Chain;

/// <summary>Appends committed blocks, declared by the core and implemented by Storage.</summary>
public interface IChainWriter
{
    /// <summary>
    /// Writes the block, its indexes, its state changes and the new head atomically and durably. The block must
    /// sit at height <c>Height + 1</c>.
    /// </summary>
    void Write(BlockWrite commit);
}
