using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>Turns a faulty validator's honest outgoing messages into its misbehaviour, recipient by recipient.</summary>
internal sealed class ByzantineMutator
{
    private readonly string _chainId;
    private readonly Random _random;

    public ByzantineMutator(string chainId, Random random)
    {
        _chainId = chainId;
        _random = random;
    }

    /// <summary>The message each recipient gets from <paramref name="node"/> in place of <paramref name="message"/>.</summary>
    public IEnumerable<(int To, ConsensusMessage Message)> Mutate(SimNode node, ConsensusMessage message, IReadOnlyList<int> recipients)
    {
        switch (node.Behavior)
        {
            case Byzantine.Silent:
                yield break;
            case Byzantine.BadSignatures:
                foreach (var to in recipients)
                {
                    yield return (to, Corrupted(message));
                }

                yield break;
            case Byzantine.EquivocatingPrimary when message.KindCase == ConsensusMessage.KindOneofCase.PrePrepare:
                var other = new ConsensusMessage { PrePrepare = OtherProposal(node, message.PrePrepare) };
                for (var i = 0; i < recipients.Count; i++)
                {
                    yield return (recipients[i], i % 2 == 0 ? message : other);
                }

                // The first recipient gets both, so that the equivocation is seen and reported.
                yield return (recipients[0], other);

                yield break;
            case Byzantine.ConflictingVotes when message.KindCase == ConsensusMessage.KindOneofCase.PhaseVote:
                var fake = new ConsensusMessage { PhaseVote = OtherVote(node, message.PhaseVote) };
                for (var i = 0; i < recipients.Count; i++)
                {
                    yield return (recipients[i], i % 2 == 0 ? message : fake);
                }

                yield break;
            default:
                foreach (var to in recipients)
                {
                    yield return (to, message);
                    if (node.Behavior == Byzantine.ReplayOld && node.History.Count > 0 && _random.Next(4) == 0)
                    {
                        yield return (to, node.History[_random.Next(node.History.Count)]);
                    }
                }

                yield break;
        }
    }

    private static ConsensusMessage Corrupted(ConsensusMessage message)
    {
        var copy = message.Clone();
        var signature = copy.KindCase switch
        {
            ConsensusMessage.KindOneofCase.PrePrepare => copy.PrePrepare.Signature,
            ConsensusMessage.KindOneofCase.PhaseVote => copy.PhaseVote.Signature,
            ConsensusMessage.KindOneofCase.ViewChange => copy.ViewChange.Signature,
            _ => copy.NewView.Signature,
        };
        var bytes = signature.ToByteArray();
        bytes[0] ^= 0xFF;
        var flipped = ByteString.CopyFrom(bytes);
        switch (copy.KindCase)
        {
            case ConsensusMessage.KindOneofCase.PrePrepare: copy.PrePrepare.Signature = flipped; break;
            case ConsensusMessage.KindOneofCase.PhaseVote: copy.PhaseVote.Signature = flipped; break;
            case ConsensusMessage.KindOneofCase.ViewChange: copy.ViewChange.Signature = flipped; break;
            default: copy.NewView.Signature = flipped; break;
        }

        return copy;
    }

    private PrePrepare OtherProposal(SimNode node, PrePrepare original)
    {
        var block = BlockCodec.Parse(original.Block.Span).Value!;
        var transactions = block.Block.Transactions.Select(t => t.ToByteArray()).Append("equivocation"u8.ToArray()).ToList();
        var request = new ProposalRequest(original.Height, original.View, block.Header.PreviousHash.ToByteArray(), original.Sender);
        var other = SimLedger.Build(_chainId, request, block.Header.TimeUnixMs, transactions);
        return new PrePrepare
        {
            Height = original.Height,
            View = original.View,
            Block = ByteString.CopyFrom(BlockCodec.WithoutCertificate(other.Block)),
            Sender = original.Sender,
            Signature = Sign(node, SignStep.PrePrepare, original.Height, original.View, other.Hash),
        };
    }

    private PhaseVote OtherVote(SimNode node, PhaseVote original)
    {
        var hash = new byte[32];
        _random.NextBytes(hash);
        var fake = original.Clone();
        fake.BlockHash = ByteString.CopyFrom(hash);
        fake.Signature = Sign(node, original.Kind == PhaseVoteKind.Commit ? SignStep.Commit : SignStep.Prepare, original.Height, original.View, hash);
        return fake;
    }

    private ByteString Sign(SimNode node, SignStep step, ulong height, ulong view, byte[] hash) =>
        ByteString.CopyFrom(node.Key.Sign(MessageSigning.Bytes(step, _chainId, height, view, hash)));
}
