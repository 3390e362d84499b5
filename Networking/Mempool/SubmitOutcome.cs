using VoteChain.Consensus.Rules;

namespace VoteChain.Networking.Mempool;

/// <summary>What became of one submitted envelope: its id when accepted, else the rule's rejection.</summary>
public sealed record SubmitOutcome(byte[]? TxId, Rejection? Rejection)
{
    public bool Accepted => Rejection is null;

    /// <summary>True when the answer holds for good: accepted, or refused for a reason that will not pass.</summary>
    public bool IsSettled => Rejection is null || RejectionPermanence.IsFinal(Rejection.Code);

    /// <summary>True when this node had not seen the transaction before (so it is worth gossiping on).</summary>
    public bool IsNew { get; init; }

    /// <summary>The id of the pending vote of the same credential this revote replaced, if any.</summary>
    public byte[]? Replaced { get; init; }
}
