namespace VoteChain.Networking.Api;

/// <summary>Bounds on what one public API call may carry, so no client can make the node buffer without limit.</summary>
public static class ApiLimits
{
    /// <summary>Largest request message the server reads (a batch of envelopes included).</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>Envelopes in one SubmitBatch request.</summary>
    public const int MaxBatchEnvelopes = 10_000;

    /// <summary>A submit stream is admitted in chunks of this many envelopes, so it is never buffered whole.</summary>
    public const int StreamChunkEnvelopes = 1_000;

    /// <summary>
    /// ... or of this many bytes, whichever comes first: what one stream holds before admitting is bounded in bytes too
    /// (a thousand envelopes of the largest size would be a quarter of a gigabyte).
    /// </summary>
    public const int StreamChunkBytes = 1024 * 1024;

    /// <summary>Envelopes in one submit stream: the per-envelope results must still fit one response.</summary>
    public const int MaxStreamEnvelopes = 100_000;

    /// <summary>Evidence records ListEvidence returns when the request names no limit.</summary>
    public const uint DefaultEvidenceRecords = 100;

    /// <summary>The largest limit ListEvidence accepts.</summary>
    public const uint MaxEvidenceRecords = 1_000;

    /// <summary>
    /// Serialized records in one ListEvidence response (at least one record is always sent): a pair of proposals
    /// carries two whole blocks, so a thousand of them would not fit any sensible message.
    /// </summary>
    public const int MaxEvidenceResponseBytes = 16 * 1024 * 1024;

    /// <summary>Governance proposals GetGovernance lists when the request names no limit.</summary>
    public const uint DefaultGovernanceProposals = 100;

    /// <summary>
    /// The largest limit GetGovernance accepts. A listed proposal is small (a removal's evidence is left out), so a
    /// thousand of them stay well within a message.
    /// </summary>
    public const uint MaxGovernanceProposals = 1_000;
}
