using VoteChain.Consensus.Chain;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// Judges a proposal's content (transactions, rules, roots, block time). The engine checks the structure itself
/// (chain, height, parent) and knows nothing about votes; the voting rules live behind this interface.
/// </summary>
public interface IProposalValidator
{
    /// <summary>Null when the block is acceptable, else a sentence saying why not.</summary>
    string? Problem(ParsedBlock block);
}
