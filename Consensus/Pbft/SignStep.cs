namespace VoteChain.Consensus.Pbft;

/// <summary>
/// The order in which a validator signs messages within one (height, view). Sign-state compares
/// (height, view, step): a validator never signs below what it last signed, and at the same point only the same
/// block hash. A ViewChange to view v comes first in v, since it is sent before v's proposal exists.
/// </summary>
public enum SignStep : uint
{
    ViewChange = 0,
    PrePrepare = 1,
    NewView = 2,
    Prepare = 3,
    Commit = 4,
}
