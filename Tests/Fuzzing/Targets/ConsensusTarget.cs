using Google.Protobuf;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// Consensus message handling. The first byte picks the set-up: bits 1–2 which validator's engine is under test (1 is
/// the primary at height 1 and proposes); bit 0 whether one other validator lies, its messages signed afresh by its own
/// key whatever they say (<see cref="ByzantineSigner"/>), bits 3–4 choosing which; without it every message is
/// delivered as it is (anyone on the network can change bytes, no one can sign). The
/// rest is a sequence of length-delimited <see cref="ConsensusMessage"/>s (what peers send over gRPC), delivered
/// after the engine is told there is work, then enough ticks for a view change. Beyond not throwing, the engine must
/// never sign two different things for one (height, view, phase), never finalize two blocks at one height, and never
/// finalize a block without a commit certificate that verifies against the genesis validators.
/// </summary>
internal sealed class ConsensusTarget : IFuzzTarget
{
    private const int MaxMessages = 32;
    private const int TicksAfter = 12;

    public void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var index = (input[0] >> 1) & 3;
        var liar = (input[0] & 1) == 1 ? new ByzantineSigner((uint)((index + 1 + ((input[0] >> 3) % 3)) % 4)) : null;
        var engine = EngineHarness.NewEngine(index);
        var watch = new SafetyWatch((uint)index);
        watch.Check(EngineHarness.Step(engine, new WorkPending(true)));
        using var stream = new MemoryStream(input, 1, input.Length - 1, writable: false);
        for (var i = 0; i < MaxMessages && stream.Position < stream.Length; i++)
        {
            ConsensusMessage message;
            try
            {
                message = ConsensusMessage.Parser.ParseDelimitedFrom(stream);
            }
            catch (InvalidProtocolBufferException)
            {
                break;
            }

            watch.Check(EngineHarness.Step(engine, new MessageReceived(liar?.Resign(message) ?? message)));
        }

        for (var t = 0; t < TicksAfter; t++)
        {
            watch.Check(EngineHarness.Step(engine, Tick.Instance));
        }
    }

    private sealed class SafetyWatch(uint self)
    {
        private readonly Dictionary<(ulong Height, ulong View, PhaseVoteKind Kind), ByteString> _phaseVotes = [];
        private readonly Dictionary<(ulong Height, ulong View), ByteString> _proposals = [];
        private readonly Dictionary<ulong, byte[]> _finalized = [];

        public void Check(EngineEffects effects)
        {
            foreach (var message in effects.Messages)
            {
                if (message.PhaseVote is { } vote && vote.Sender == self)
                {
                    Once(_phaseVotes, (vote.Height, vote.View, vote.Kind), vote.BlockHash, "two phase votes");
                }
                else if (message.PrePrepare is { } proposal && proposal.Sender == self)
                {
                    Once(_proposals, (proposal.Height, proposal.View), proposal.Block, "two proposals");
                }
            }

            foreach (var block in effects.Finalized)
            {
                if (CommitCertificates.Problem(block.Certificate, FuzzFixture.ValidatorSet, FuzzFixture.ChainId,
                        block.Block.Height, block.Block.Hash) is { } problem)
                {
                    throw new PropertyViolation($"finalized block {block.Block.Height} without a valid certificate: {problem}");
                }

                if (_finalized.TryGetValue(block.Block.Height, out var earlier) && !earlier.AsSpan().SequenceEqual(block.Block.Hash))
                {
                    throw new PropertyViolation($"finalized two blocks at height {block.Block.Height}");
                }

                _finalized[block.Block.Height] = block.Block.Hash;
            }
        }

        private static void Once<TKey>(Dictionary<TKey, ByteString> signed, TKey key, ByteString content, string what)
            where TKey : notnull
        {
            if (signed.TryGetValue(key, out var earlier) && !earlier.Equals(content))
            {
                throw new PropertyViolation($"the engine signed {what} for {key}");
            }

            signed[key] = content;
        }
    }
}
