using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// Whether a block header was certified on this chain, trusting only the genesis validators: the sets in force are
/// learned like a light client's, from genesis's through each certified header that announced a change, each checked
/// against the set before it (docs/GOVERNANCE.md; the walk itself is <see cref="SetChangeWalk"/>), for receipts, proven
/// standings and tally proofs (docs/STATE-PROOFS.md). Pure: no I/O, no clock.
/// </summary>
public sealed class CertifiedHeaders
{
    private readonly ValidatorSet _genesis;

    public CertifiedHeaders(ValidatorSet genesis, string chainId)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentException.ThrowIfNullOrEmpty(chainId);
        _genesis = genesis;
        ChainId = chainId;
    }

    public string ChainId { get; }

    /// <summary>
    /// Null when <paramref name="headerBytes"/> is a block header of this chain whose <paramref name="certificate"/> a
    /// quorum of the validators in force at its height signed, those found through <paramref name="changes"/>; then
    /// <paramref name="header"/> is the parsed header (its state_root is what state proofs lead to).
    /// </summary>
    public string? Problem(ByteString headerBytes, CommitCertificate? certificate, IReadOnlyList<SetChangeProof> changes,
        out BlockHeader? header)
    {
        ArgumentNullException.ThrowIfNull(headerBytes);
        ArgumentNullException.ThrowIfNull(changes);
        header = null;
        BlockHeader parsed;
        try
        {
            parsed = BlockHeader.Parser.ParseFrom(headerBytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return "The proven block header is not valid protobuf.";
        }

        if (parsed.ChainId != ChainId)
        {
            return $"The proven block header is for chain '{parsed.ChainId}', not '{ChainId}'.";
        }

        if (ScheduleProblem(changes, parsed.Height, "the proven block", out var schedule) is { } broken)
        {
            return broken;
        }

        var hash = Hashing.Sha256(headerBytes.Span);
        if (CommitCertificates.Problem(certificate, schedule.At(parsed.Height), ChainId, parsed.Height, hash) is { } problem)
        {
            return $"The proven block header's commit certificate does not verify: {problem}.";
        }

        header = parsed;
        return null;
    }

    /// <summary>
    /// The sets in force up to <paramref name="height"/>, from genesis's through each change in <paramref name="changes"/>,
    /// oldest first. Each change's header must be certified by the set in force at its own height (known from the changes
    /// before it) and must announce a change in force by <paramref name="height"/> (<paramref name="bound"/> names that
    /// block in the sentence). Leaving a change out makes the certificate at <paramref name="height"/> fail: it was signed
    /// by a set the walk never reached. The walk stops at the first change that fails, so padding costs its parsing only.
    /// </summary>
    public string? ScheduleProblem(IReadOnlyList<SetChangeProof> changes, ulong height, string bound, out ValidatorSchedule schedule) =>
        SetChangeWalk.Problem(_genesis, ChainId, changes, height, bound, out schedule);
}
