using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// Checks that consensus messages are well formed and signed by the validator they name, and that every block
/// they carry is bound to its header: signatures cover the header hash only, so a block whose transactions do not
/// hash to its tx root could pass a genuine signature off on a forged body.
/// </summary>
internal sealed class MessageChecks
{
    private readonly string _chainId;
    private readonly ValidatorSet _validators;
    private readonly BlockLimits _limits;

    public MessageChecks(string chainId, ValidatorSet validators, BlockLimits limits)
    {
        _chainId = chainId;
        _validators = validators;
        _limits = limits;
    }

    /// <summary>The set whose keys these checks verify against.</summary>
    public ValidatorSet Validators => _validators;

    public static SignStep StepOf(PhaseVoteKind kind) => kind == PhaseVoteKind.Commit ? SignStep.Commit : SignStep.Prepare;

    /// <summary>The (height, sender) a message claims, or null when it is of no known kind.</summary>
    public static (ulong Height, uint Sender)? Envelope(ConsensusMessage message) => message.KindCase switch
    {
        ConsensusMessage.KindOneofCase.PrePrepare => (message.PrePrepare.Height, message.PrePrepare.Sender),
        ConsensusMessage.KindOneofCase.PhaseVote => (message.PhaseVote.Height, message.PhaseVote.Sender),
        ConsensusMessage.KindOneofCase.ViewChange => (message.ViewChange.Height, message.ViewChange.Sender),
        ConsensusMessage.KindOneofCase.NewView => (message.NewView.Height, message.NewView.Sender),
        _ => null,
    };

    private static readonly Google.Protobuf.MessageParser<ConsensusMessage> CanonicalMessages =
        ConsensusMessage.Parser.WithDiscardUnknownFields(true);

    /// <summary>
    /// True when the message carries nothing its schema does not know. Signatures cover fixed layouts, not the
    /// protobuf bytes, so unknown fields would pass any signature: a liar could pad its view changes until every
    /// NewView that carries one is too large to deliver.
    /// </summary>
    public static bool Canonical(ConsensusMessage message)
    {
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(message);
        return CanonicalMessages.ParseFrom(bytes).CalculateSize() == bytes.Length;
    }

    /// <summary>Null when the message's own signature verifies; nested messages are checked where they are used.</summary>
    public DropReason? SignatureProblem(ConsensusMessage message)
    {
        switch (message.KindCase)
        {
            case ConsensusMessage.KindOneofCase.PrePrepare:
                return PrePrepareProblem(message.PrePrepare, out _);
            case ConsensusMessage.KindOneofCase.PhaseVote:
                var vote = message.PhaseVote;
                if (vote.Kind is not (PhaseVoteKind.Prepare or PhaseVoteKind.Commit) || vote.BlockHash.Length != Hashing.HashSize)
                {
                    return DropReason.Malformed;
                }

                return Verified(vote.Sender, StepOf(vote.Kind), vote.Height, vote.View, vote.BlockHash.Span, 0, vote.Signature.Span);
            case ConsensusMessage.KindOneofCase.ViewChange:
                return ViewChangeSignatureProblem(message.ViewChange);
            case ConsensusMessage.KindOneofCase.NewView:
                var newView = message.NewView;
                if (newView.PrePrepare is null || PrePrepareProblem(newView.PrePrepare, out var block) is not null)
                {
                    return DropReason.Malformed;
                }

                return Verified(newView.Sender, SignStep.NewView, newView.Height, newView.View, block!.Hash, 0, newView.Signature.Span);
            default:
                return DropReason.Malformed;
        }
    }

    public DropReason? PrePrepareProblem(PrePrepare prePrepare, out ParsedBlock? block)
    {
        var parsed = BlockCodec.Parse(prePrepare.Block.Span);
        block = parsed.Value;
        if (block is null || block.Block.Certificate is not null)
        {
            return DropReason.Malformed;
        }

        return Verified(prePrepare.Sender, SignStep.PrePrepare, prePrepare.Height, prePrepare.View, block.Hash, 0,
                prePrepare.Signature.Span)
            ?? (BlockValidity.BodyProblem(block, _limits) is null ? null : DropReason.InvalidBody);
    }

    /// <summary>
    /// Null when a prepared certificate proves its block was prepared at this height in a view below
    /// <paramref name="beforeView"/>; <paramref name="block"/> is then its parsed block.
    /// </summary>
    public string? PreparedProblem(PreparedCertificate certificate, ulong height, ulong beforeView, out ParsedBlock? block)
    {
        block = BlockCodec.Parse(certificate.Block.Span).Value;
        if (block is null || block.Height != height)
        {
            return "the prepared block does not parse or is for another height";
        }

        if (certificate.View >= beforeView)
        {
            return "the prepared certificate is not from an earlier view";
        }

        return CommitCertificates.QuorumProblem(certificate.Prepares, _validators, SignStep.Prepare, _chainId, height,
                certificate.View, block.Hash, "prepare")
            ?? BlockValidity.BodyProblem(block, _limits);
    }

    /// <summary>Checks a view change fully, its prepared certificate included.</summary>
    public DropReason? ViewChangeProblem(ViewChange viewChange, out ParsedBlock? preparedBlock)
    {
        preparedBlock = null;
        if (ViewChangeSignatureProblem(viewChange) is { } problem)
        {
            return problem;
        }

        if (viewChange.Prepared is null)
        {
            return null;
        }

        return PreparedProblem(viewChange.Prepared, viewChange.Height, viewChange.NewView, out preparedBlock) is null
            ? null
            : DropReason.InvalidCertificate;
    }

    private DropReason? ViewChangeSignatureProblem(ViewChange viewChange)
    {
        var hash = Array.Empty<byte>();
        if (viewChange.Prepared is { } prepared)
        {
            var block = BlockCodec.Parse(prepared.Block.Span).Value;
            if (block is null)
            {
                return DropReason.Malformed;
            }

            hash = block.Hash;
        }

        return Verified(viewChange.Sender, SignStep.ViewChange, viewChange.Height, viewChange.NewView, hash,
            viewChange.Prepared?.View ?? 0, viewChange.Signature.Span);
    }

    private DropReason? Verified(uint sender, SignStep step, ulong height, ulong view, ReadOnlySpan<byte> hash, ulong extra,
        ReadOnlySpan<byte> signature)
    {
        if (!_validators.Contains(sender))
        {
            return DropReason.NotValidator;
        }

        var message = MessageSigning.Bytes(step, _chainId, height, view, hash, extra);
        return Ed25519.Verify(_validators.PublicKey((int)sender), message, signature) ? null : DropReason.BadSignature;
    }
}
