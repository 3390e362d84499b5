using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing;

/// <summary>
/// Signs afresh whatever a mutated message from the one lying validator says, with its own key: what a byzantine
/// validator can send (one of four: f = 1, so it holds no quorum). Without it every mutation fails the signature check and the fuzzer never gets past it; with
/// it the engine's checks of content (views, hashes, certificates, view-change proofs) take the mutations. Nested
/// view changes and a new view's proposal are signed again by their own senders; the signatures inside prepared and
/// commit certificates are left as they are (forging a quorum needs more keys than f liars hold).
/// </summary>
internal sealed class ByzantineSigner(uint liar)
{
    private static readonly MessageFactory[] Factories =
    [
        .. Enumerable.Range(0, FuzzFixture.ValidatorCount)
            .Select(i => new MessageFactory(FuzzFixture.ChainId, FuzzFixture.Validators[i], (uint)i)),
    ];

    public ConsensusMessage Resign(ConsensusMessage message) => message.KindCase switch
    {
        ConsensusMessage.KindOneofCase.PrePrepare => new() { PrePrepare = Resign(message.PrePrepare) },
        ConsensusMessage.KindOneofCase.PhaseVote when Liar(message.PhaseVote.Sender) is { } liar => new()
        {
            PhaseVote = liar.PhaseVote(message.PhaseVote.Kind, message.PhaseVote.Height, message.PhaseVote.View,
                message.PhaseVote.BlockHash.ToByteArray()),
        },
        ConsensusMessage.KindOneofCase.ViewChange => new() { ViewChange = Resign(message.ViewChange) },
        ConsensusMessage.KindOneofCase.NewView when Liar(message.NewView.Sender) is { } liar && message.NewView.PrePrepare is { } proposal => new()
        {
            NewView = liar.NewView(message.NewView.Height, message.NewView.View, message.NewView.ViewChanges.Select(Resign),
                Resign(proposal), HashOf(proposal.Block)),
        },
        _ => message,
    };

    private PrePrepare Resign(PrePrepare prePrepare) =>
        Liar(prePrepare.Sender) is { } liar && BlockCodec.Parse(prePrepare.Block.Span).Value is { } block
            ? liar.PrePrepare(prePrepare.Height, prePrepare.View, block)
            : prePrepare;

    private ViewChange Resign(ViewChange viewChange) =>
        Liar(viewChange.Sender) is { } liar
            ? liar.ViewChange(viewChange.Height, viewChange.NewView, viewChange.Prepared, HashOf(viewChange.Prepared?.Block))
            : viewChange;

    private static byte[] HashOf(Google.Protobuf.ByteString? block) =>
        block is null ? [] : BlockCodec.Parse(block.Span).Value?.Hash ?? [];

    /// <summary>The liar's signer when it is <paramref name="sender"/>; messages from anyone else keep their signatures.</summary>
    private MessageFactory? Liar(uint sender) => sender == liar && sender < Factories.Length ? Factories[sender] : null;
}
