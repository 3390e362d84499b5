using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing;

/// <summary>
/// Drives real <see cref="PbftEngine"/>s by hand for the consensus target and for the seeds it starts from: one
/// engine per fixture validator, short timeouts so a few ticks reach a view change, and empty blocks whenever an
/// engine asks to propose.
/// </summary>
internal static class EngineHarness
{
    public static readonly PbftConfig Config = new(FuzzFixture.ChainId, FuzzFixture.ValidatorSet,
        BlockLimits.From(FuzzFixture.Genesis.Params))
    {
        ViewTimeoutTicks = 4,
        RebroadcastTicks = 2,
    };

    public static PbftEngine NewEngine(int index) =>
        new(Config, ContentBlindJudge.Instance, FuzzFixture.Validators[index], 0, FuzzFixture.GenesisHashBytes, null);

    /// <summary>Steps the engine, answers a proposal request with an empty block, and returns what came out of both.</summary>
    public static EngineEffects Step(PbftEngine engine, IEngineInput input)
    {
        var effects = new EngineEffects();
        var output = engine.Step(input);
        effects.Take(output);
        if (output.Propose is { } request)
        {
            effects.Take(engine.Step(new ProposalBuilt(request.Height, request.View, EmptyBlock(request))));
        }

        return effects;
    }

    private static byte[] EmptyBlock(ProposalRequest request) =>
        BlockCodec.Build(FuzzFixture.ChainId, request.Height, request.PreviousHash,
            FuzzFixture.FirstBlockTimeUnixMs + (long)request.Height * 1_000, request.Proposer, [], [],
            new byte[Consensus.Crypto.Hashing.HashSize]).Block.ToByteArray();

    /// <summary>
    /// Accepts every block's content: the consensus target is after the engine's own checks (signatures, views,
    /// certificates, view-change proofs), and the voting rules have the block target to themselves.
    /// </summary>
    private sealed class ContentBlindJudge : IProposalValidator
    {
        public static readonly ContentBlindJudge Instance = new();

        public string? Problem(ParsedBlock block, ProposalCheck check) => null;
    }
}

/// <summary>What one or two engine steps produced, copied out (the engine may reuse its output object).</summary>
internal sealed class EngineEffects
{
    public List<ConsensusMessage> Messages { get; } = [];

    public List<FinalizedBlock> Finalized { get; } = [];

    public void Take(StepOutput output)
    {
        Messages.AddRange(output.Messages.Select(m => m.Clone()));
        Finalized.AddRange(output.Finalized);
    }
}
