namespace VoteChain.Networking.Limits;

/// <summary>
/// How many transactions one gossip message may carry (a <c>TransactionBatch</c>). Senders batch what queued while the
/// last message was written, so a batch adds no wait; receivers drop a batch over the count unread, and every node
/// accepts a batch of <see cref="MaxBytes"/> from anyone, whatever its own largest transaction.
/// </summary>
public static class GossipBatchLimits
{
    /// <summary>Envelopes in one batch: a bound on the work one message can queue, well above what fits in the bytes for votes.</summary>
    public const int MaxTransactions = 512;

    /// <summary>Serialized envelopes in one batch, framing included: small enough that no batch delays a consensus message long.</summary>
    public const int MaxBytes = 64 * 1024;
}
