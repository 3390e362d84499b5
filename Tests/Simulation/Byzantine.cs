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

    /// <summary>
    /// Forges bodies under genuine signatures: stays silent in its own views, and once another primary's proposal
    /// is out sends, for an earlier view it led, a PrePrepare with that proposal's header and other transactions;
    /// its view changes and NewViews carry prepared blocks with swapped bodies too.
    /// </summary>
    BodySwap,

    /// <summary>Silent, except for view changes asking for the farthest views it leads itself.</summary>
    ViewSteer,

    /// <summary>
    /// Lures others into syncing from it (signed messages from a far height, a huge claimed head) and serves its
    /// blocks with junk bodies under their real certificates, or nothing at all.
    /// </summary>
    LyingSync,

    /// <summary>As primary, proposes blocks backdated to just after their parent, or far in the future.</summary>
    TimeSkew,
}
