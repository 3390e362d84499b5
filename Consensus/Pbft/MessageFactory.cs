using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>Signs this validator's consensus messages over their <see cref="MessageSigning"/> layouts.</summary>
internal sealed class MessageFactory
{
    private readonly string _chainId;
    private readonly ISigner _signer;

    public MessageFactory(string chainId, ISigner signer, uint index)
    {
        _chainId = chainId;
        _signer = signer;
        Index = index;
    }

    public uint Index { get; }

    public PrePrepare PrePrepare(ulong height, ulong view, ParsedBlock block) => new()
    {
        Height = height,
        View = view,
        Block = ByteString.CopyFrom(BlockCodec.WithoutCertificate(block.Block)),
        Sender = Index,
        Signature = Sign(SignStep.PrePrepare, height, view, block.Hash),
    };

    public PhaseVote PhaseVote(PhaseVoteKind kind, ulong height, ulong view, byte[] hash) => new()
    {
        Kind = kind,
        Height = height,
        View = view,
        BlockHash = ByteString.CopyFrom(hash),
        Sender = Index,
        Signature = Sign(MessageChecks.StepOf(kind), height, view, hash),
    };

    public ViewChange ViewChange(ulong height, ulong newView, PreparedCertificate? prepared, byte[] preparedHash) => new()
    {
        Height = height,
        NewView = newView,
        Prepared = prepared,
        Sender = Index,
        Signature = Sign(SignStep.ViewChange, height, newView, preparedHash, prepared?.View ?? 0),
    };

    public NewView NewView(ulong height, ulong view, IEnumerable<ViewChange> viewChanges, PrePrepare prePrepare, byte[] blockHash) => new()
    {
        Height = height,
        View = view,
        ViewChanges = { viewChanges },
        PrePrepare = prePrepare,
        Sender = Index,
        Signature = Sign(SignStep.NewView, height, view, blockHash),
    };

    private ByteString Sign(SignStep step, ulong height, ulong view, ReadOnlySpan<byte> hash, ulong extra = 0) =>
        ByteString.CopyFrom(_signer.Sign(MessageSigning.Bytes(step, _chainId, height, view, hash, extra)));
}
