namespace VoteChain.Simulation;

/// <summary>How a faulty validator misbehaves.</summary>
public enum Byzantine
{
    /// <summary>Says nothing at all.</summary>
    Silent,

    /// <summary>As primary, sends one block to half the validators and another block to the rest.</summary>
    EquivocatingPrimary,

    /// <summary>Sends each vote for its real block to some validators and a vote for another hash to the rest.</summary>
    ConflictingVotes,

    /// <summary>Sends messages whose signatures do not verify.</summary>
    BadSignatures,

    /// <summary>Re-sends messages it saw at earlier heights.</summary>
    ReplayOld,

    /// <summary>As primary, proposes blocks the rules refuse.</summary>
    InvalidBlocks,
}
