namespace VoteChain.Storage;

/// <summary>
/// How much equivocation evidence a node keeps, so that a flood of it cannot fill the disk. Each (validator,
/// height) holds at most one record anyway (one proves the fault); on top of that a validator has a share, so
/// that one faulty validator cannot crowd out the evidence against another, and the whole store has a ceiling.
/// Once a bound is reached new evidence is refused and what is stored is kept: the first proof of a fault is
/// the one an operator acts on, and a flood must not be able to overwrite it.
/// </summary>
/// <remarks>
/// Bytes count the serialized records. A PrePrepare pair carries two whole blocks, so the byte bounds, not the
/// record counts, are what bound a flood of large proposals (the defaults hold 32 pairs of 1 MiB blocks per
/// validator, 128 in all).
/// </remarks>
public sealed record EvidenceLimits
{
    public int MaxRecords { get; init; } = 10_000;

    public long MaxBytes { get; init; } = 256L << 20;

    public int MaxRecordsPerValidator { get; init; } = 1_000;

    public long MaxBytesPerValidator { get; init; } = 64L << 20;
}
