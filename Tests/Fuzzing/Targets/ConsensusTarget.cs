using Google.Protobuf;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// Consensus message handling: a sequence of length-delimited <see cref="ConsensusMessage"/>s (what peers send
/// over gRPC) into validator 0's engine at height 1, then enough ticks for a view change. Beyond not throwing, the
/// engine must never sign two different things for one (height, view, phase), never finalize two blocks at one
/// height, and never finalize a block without a commit certificate that verifies against the genesis validators.
/// </summary>
internal sealed class ConsensusTarget : IFuzzTarget
{
    private const int MaxMessages = 32;
    private const int TicksAfter = 12;

    public void Run(byte[] input)
    {
        var engine = EngineHarness.NewEngine(0);
        var watch = new SafetyWatch();
        using var stream = new MemoryStream(input, writable: false);
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

            watch.Check(EngineHarness.Step(engine, new MessageReceived(message)));
        }

        for (var t = 0; t < TicksAfter; t++)
        {
            watch.Check(EngineHarness.Step(engine, Tick.Instance));
        }
    }

    private sealed class SafetyWatch
    {
        private readonly Dictionary<(ulong Height, ulong View, PhaseVoteKind Kind), ByteString> _phaseVotes = [];
        private readonly Dictionary<(ulong Height, ulong View), ByteString> _proposals = [];
        private readonly Dictionary<ulong, byte[]> _finalized = [];

        public void Check(EngineEffects effects)
        {
            foreach (var message in effects.Messages)
            {
                if (message.PhaseVote is { Sender: 0 } vote)
                {
                    Once(_phaseVotes, (vote.Height, vote.View, vote.Kind), vote.BlockHash, "two phase votes");
                }
                else if (message.PrePrepare is { Sender: 0 } proposal)
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
