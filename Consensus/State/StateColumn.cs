namespace VoteChain.Consensus.State;

/// <summary>The parts of the replicated state a block can change. Storage maps each to a column family.</summary>
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
}
