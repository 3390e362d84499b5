using VoteChain.Protos.V1;

namespace VoteChain.Node.Trustee;

/// <summary>
/// What the trustee loop needs of a chain: its elections and state, and a way in for transactions. The node serves
/// it from its own store and mempool (<see cref="NodeTrusteeChain"/>); <c>votechain trustee run</c> from the blocks a
/// node serves, verified and replayed from the genesis file, submitting through its public API
/// (<see cref="VerifiedApiTrusteeChain"/>). Either way the reads are state the trustee's side verified, never a
/// peer's word. Implementations may throw <see cref="UserInputException"/> with one
/// line when the chain cannot be read; the loop reports it and tries again on its next pass.
/// </summary>
internal interface ITrusteeChain
{
    string ChainId { get; }

    /// <summary>The chain's genesis hash: trustees bind their dealing to it, so another chain with the same id gets other polynomials.</summary>
    byte[] GenesisHash { get; }

    /// <summary>Every election on record (the loop picks the secret ones that name its key).</summary>
    IReadOnlyList<ElectionRecord> Elections();

    /// <summary>One secret election as committed now, or null when it is not on record.</summary>
    TrusteeElectionState? Read(string electionId);

    /// <summary>Submits a signed envelope.</summary>
    TrusteeSubmission Submit(byte[] envelope);

    /// <summary>Where a submitted transaction stands, as far as this source can tell.</summary>
    TrusteeTxStatus Status(byte[] txId);
}

/// <summary>A secret election's records read together at one committed height, and that height's block time.</summary>
internal sealed record TrusteeElectionState(ElectionRecord Election, SecretRecord? Secret, TallyRecord Tally, long HeadTimeUnixMs);

/// <param name="TxId">Set when accepted.</param>
/// <param name="Code">The rule's stable code name (e.g. PHASE_OVER) when refused.</param>
internal sealed record TrusteeSubmission(byte[]? TxId, string? Code, string? Message)
{
    public bool Accepted => TxId is not null && Code is null;

    public static TrusteeSubmission Ok(byte[] txId) => new(txId, null, null);

    public static TrusteeSubmission Refused(string code, string message) => new(null, code, message);
}

internal enum TrusteeTxStatus
{
    /// <summary>The source cannot tell (the API shows committed transactions only): keep waiting a while.</summary>
    Unknown,

    /// <summary>Waiting in the mempool.</summary>
    Pending,

    /// <summary>In a committed block: its effect is in the state read after this answer.</summary>
    Committed,

    /// <summary>Neither pending nor committed: the mempool dropped it, so it may be submitted again.</summary>
    Dropped,
}
