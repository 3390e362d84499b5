using VoteChain.Consensus.Chain;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// Judges a block's content (transactions, rules, roots, block time). The engine checks the structure and the body
/// against its header itself (<see cref="BlockValidity"/>) and knows nothing about votes; the voting rules live
/// behind this interface.
/// </summary>
public interface IProposalValidator
{
    /// <summary>Null when the block is acceptable, else a sentence saying why not.</summary>
    string? Problem(ParsedBlock block, ProposalCheck check);
}

/// <summary>How much of the block time a validator judges against its own clock.</summary>
public enum ProposalCheck
{
    /// <summary>A new proposal: its time must be within the clock drift of this validator's clock, either side.</summary>
    Fresh,

    /// <summary>
    /// A block a quorum already vouched for (prepared in an earlier view, or certified and fetched by sync): its
    /// time was judged fresh when it was first prepared, so only the rules and the parent's time bind it now.
    /// </summary>
    Certified,
}
