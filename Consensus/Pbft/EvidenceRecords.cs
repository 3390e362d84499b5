using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// Turns the engine's <see cref="Evidence"/> into the <see cref="EvidenceRecord"/> a node keeps, and names each
/// record by an id that does not depend on which message arrived first.
/// </summary>
/// <remarks>
/// The id is <c>SHA256("votechain/v1/evidence" 0x00 validator len(a) a len(b) b)</c> (integers big-endian, lengths
/// 4 bytes) where a and b are the two serialized messages in bytewise order: a pair seen as (x, y) on one
/// occasion and (y, x) on another is one piece of evidence, stored once.
/// </remarks>
public static class EvidenceRecords
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("votechain/v1/evidence\0");

    /// <summary>
    /// The record for a pair the engine reported, with the height, view and kind read from the messages; null
    /// when the pair is not two messages of one kind from this validator at one (height, view) for different
    /// blocks. (A second signature over the same proposal is no fault, so it is not evidence.) The time is the
    /// caller's: the core has no clock.
    /// </summary>
    public static EvidenceRecord? Describe(Evidence evidence, ValidatorSet validators, long recordedUnixMs)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(validators);
        if (evidence.First is null || evidence.Second is null || !validators.Contains(evidence.Validator)
            || Facts(evidence.First) is not { } first || Facts(evidence.Second) is not { } second
            || first != second || first.Sender != evidence.Validator)
        {
            return null;
        }

        if (BlockHashOf(evidence.First) is not { } firstHash || BlockHashOf(evidence.Second) is not { } secondHash
            || firstHash.AsSpan().SequenceEqual(secondHash))
        {
            return null;
        }

        var firstBytes = evidence.First.ToByteArray();
        var secondBytes = evidence.Second.ToByteArray();

        return new EvidenceRecord
        {
            Id = ByteString.CopyFrom(Id(evidence.Validator, firstBytes, secondBytes)),
            ValidatorIndex = evidence.Validator,
            ValidatorPublicKey = ByteString.CopyFrom(validators.PublicKey((int)evidence.Validator)),
            Height = first.Height,
            View = first.View,
            Kind = first.Kind,
            RecordedUnixMs = recordedUnixMs,
            First = ByteString.CopyFrom(firstBytes),
            Second = ByteString.CopyFrom(secondBytes),
        };
    }

    /// <summary>As <see cref="Describe(Evidence, ValidatorSet, long)"/>, judged by the set in force at the pair's height.</summary>
    public static EvidenceRecord? Describe(Evidence evidence, ValidatorSchedule schedule, long recordedUnixMs)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(schedule);
        return evidence.First is not null && Facts(evidence.First) is { } first
            ? Describe(evidence, schedule.At(first.Height), recordedUnixMs)
            : null;
    }

    /// <summary>The order-independent id of a pair of serialized messages from one validator.</summary>
    public static byte[] Id(uint validator, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var inOrder = first.SequenceCompareTo(second) <= 0;
        var a = inOrder ? first : second;
        var b = inOrder ? second : first;
        var buffer = new byte[Domain.Length + 4 + 4 + a.Length + 4 + b.Length];
        var span = buffer.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        BinaryPrimitives.WriteUInt32BigEndian(span, validator);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], a.Length);
        a.CopyTo(span[8..]);
        span = span[(8 + a.Length)..];
        BinaryPrimitives.WriteInt32BigEndian(span, b.Length);
        b.CopyTo(span[4..]);
        return Hashing.Sha256(buffer);
    }

    /// <summary>The id of a record, recomputed from its validator and messages (a stored id is never trusted).</summary>
    public static byte[] Id(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Id(record.ValidatorIndex, record.First.Span, record.Second.Span);
    }

    /// <summary>The lower-case name of a kind, as the API's clients and the CLI show it.</summary>
    public static string Name(EvidenceKind kind) => kind switch
    {
        EvidenceKind.PrePrepare => "pre_prepare",
        EvidenceKind.Prepare => "prepare",
        EvidenceKind.Commit => "commit",
        _ => "unknown",
    };

    /// <summary>What two messages must share to conflict: kind, height, view and sender (they differ elsewhere).</summary>
    private static MessageFacts? Facts(ConsensusMessage message) => message.KindCase switch
    {
        ConsensusMessage.KindOneofCase.PrePrepare => new MessageFacts(EvidenceKind.PrePrepare, message.PrePrepare.Height,
            message.PrePrepare.View, message.PrePrepare.Sender),
        ConsensusMessage.KindOneofCase.PhaseVote when message.PhaseVote.Kind == PhaseVoteKind.Prepare => new MessageFacts(
            EvidenceKind.Prepare, message.PhaseVote.Height, message.PhaseVote.View, message.PhaseVote.Sender),
        ConsensusMessage.KindOneofCase.PhaseVote when message.PhaseVote.Kind == PhaseVoteKind.Commit => new MessageFacts(
            EvidenceKind.Commit, message.PhaseVote.Height, message.PhaseVote.View, message.PhaseVote.Sender),
        // The engine reports no other kinds; a view change or new view is not equivocation by itself.
        _ => null,
    };

    /// <summary>The block a message is for: a vote names its hash, a proposal carries the block (hash of its header).</summary>
    private static byte[]? BlockHashOf(ConsensusMessage message) => message.KindCase switch
    {
        ConsensusMessage.KindOneofCase.PhaseVote => message.PhaseVote.BlockHash.ToByteArray(),
        ConsensusMessage.KindOneofCase.PrePrepare => BlockCodec.Parse(message.PrePrepare.Block.Span).Value?.Hash,
        _ => null,
    };

    private readonly record struct MessageFacts(EvidenceKind Kind, ulong Height, ulong View, uint Sender);
}
