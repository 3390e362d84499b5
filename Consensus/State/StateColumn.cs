namespace VoteChain.Consensus.State;

/// <summary>
/// The parts of the replicated state a block can change; the state tree commits to all of them (docs/STATE-PROOFS.md).
/// Storage maps each to a column family, except <see cref="Chain"/>, which only the tree holds.
/// </summary>
public enum StateColumn : byte
{
    Elections = 1,
    Credentials = 2,
    Ballots = 3,
    Tallies = 4,
    Secrets = 5,
    Issuance = 6,
    IssuerKeys = 7,

    /// <summary>Membership and parameters changed on the running chain (docs/GOVERNANCE.md), keyed by <see cref="Governance.GovernanceKeys"/>.</summary>
    Governance = 8,

    /// <summary>
    /// Every committed transaction's id, to its <c>TxLocation</c> (height, position): written by the block itself, not by a
    /// rule, so that the state tree commits to the replay protection the rules read (<see cref="IStateReader.HasTransaction"/>)
    /// and a node that starts from a snapshot has it too. Storage keeps it as its transaction index.
    /// </summary>
    Transactions = 9,

    /// <summary>
    /// The tree's own record of the height it is at (<see cref="Merkle.BlockTreeChanges"/>): written by every block, so every
    /// height has a root of its own even when a block changes nothing else. Held in the tree only.
    /// </summary>
    Chain = 10,
}
