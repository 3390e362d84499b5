using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>Turns a faulty validator's honest outgoing messages into its misbehaviour, recipient by recipient.</summary>
internal sealed class ByzantineMutator
{
    /// <summary>How far above the truth a lying-sync node claims to be.</summary>
    public const ulong LureHeights = 1_000;

    private readonly string _chainId;
    private readonly Random _random;
    private readonly Func<ulong, ValidatorSet> _setAt;
    private readonly HashSet<(int Node, ulong Height, ulong View)> _swapsSent = [];

    public ByzantineMutator(string chainId, Random random, Func<ulong, ValidatorSet> setAt)
    {
        _chainId = chainId;
        _random = random;
        _setAt = setAt;
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
            case Byzantine.BodySwap:
                // Silent in its own views (so that others move on without it); everything else carries forged bodies.
                if (message.KindCase == ConsensusMessage.KindOneofCase.PrePrepare)
                {
                    yield break;
                }

                var swapped = WithSwappedBodies(message);
                foreach (var to in recipients)
                {
                    yield return (to, swapped);
                }

                yield break;
            case Byzantine.ViewSteer:
                if (SteeringViewChange(node, message) is { } steer)
                {
                    foreach (var to in recipients)
                    {
                        yield return (to, steer);
                    }
                }

                yield break;
            case Byzantine.LyingSync:
                foreach (var to in recipients)
                {
                    yield return (to, message);
                    if (_random.Next(4) == 0)
                    {
                        yield return (to, Lure(node, message));
                    }
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

    /// <summary>
    /// The body-swap attack proper: once another primary's proposal for (height, view) arrives, a liar that led an
    /// earlier view at that height sends a PrePrepare for that view with the same header and other transactions.
    /// The signature is genuine: it covers only the header hash.
    /// </summary>
    public ConsensusMessage? ReactToProposal(SimNode node, ConsensusMessage received)
    {
        var prePrepare = received.KindCase switch
        {
            ConsensusMessage.KindOneofCase.PrePrepare => received.PrePrepare,
            ConsensusMessage.KindOneofCase.NewView => received.NewView.PrePrepare,
            _ => null,
        };
        if (node.Behavior != Byzantine.BodySwap || prePrepare is null || prePrepare.Sender == node.Index || prePrepare.View == 0)
        {
            return null;
        }

        var led = Enumerable.Range(1, (int)Math.Min(prePrepare.View, 8UL)).Select(back => prePrepare.View - (ulong)back)
            .Where(v => _setAt(prePrepare.Height).Primary(prePrepare.Height, v) == node.Index).Cast<ulong?>().FirstOrDefault();
        if (led is not { } view || !_swapsSent.Add((node.Index, prePrepare.Height, view)))
        {
            return null;
        }

        var block = BlockCodec.Parse(prePrepare.Block.Span).Value!;
        return new ConsensusMessage
        {
            PrePrepare = new PrePrepare
            {
                Height = prePrepare.Height,
                View = view,
                Block = SwappedBody(prePrepare.Block),
                Sender = (uint)node.Index,
                Signature = Sign(node, SignStep.PrePrepare, prePrepare.Height, view, block.Hash),
            },
        };
    }

    /// <summary>A block with the same header bytes (so the same hash) and other transactions, as many as before.</summary>
    public static ByteString SwappedBody(ByteString blockBytes)
    {
        var block = Block.Parser.ParseFrom(blockBytes);
        var count = Math.Max(1, block.Transactions.Count);
        var forged = new Block { Header = block.Header, Certificate = block.Certificate };
        forged.Transactions.AddRange(Enumerable.Range(0, count).Select(i => ByteString.CopyFromUtf8($"forged-{i}")));
        return forged.ToByteString();
    }

    private static ConsensusMessage WithSwappedBodies(ConsensusMessage message)
    {
        var copy = message.Clone();
        switch (copy.KindCase)
        {
            case ConsensusMessage.KindOneofCase.ViewChange when copy.ViewChange.Prepared is { } prepared:
                prepared.Block = SwappedBody(prepared.Block);
                break;
            case ConsensusMessage.KindOneofCase.NewView:
                copy.NewView.PrePrepare.Block = SwappedBody(copy.NewView.PrePrepare.Block);
                foreach (var viewChange in copy.NewView.ViewChanges.Where(v => v.Prepared is not null))
                {
                    viewChange.Prepared.Block = SwappedBody(viewChange.Prepared.Block);
                }

                break;
        }

        return copy;
    }

    /// <summary>A signed view change for the farthest view ahead that the liar leads itself.</summary>
    private ConsensusMessage? SteeringViewChange(SimNode node, ConsensusMessage message)
    {
        var height = MessageHeight(message);
        var from = node.Engine.View;
        for (var view = from + 64; view > from; view--)
        {
            if (_setAt(height).Primary(height, view) == node.Index)
            {
                return new ConsensusMessage
                {
                    ViewChange = new ViewChange
                    {
                        Height = height,
                        NewView = view,
                        Sender = (uint)node.Index,
                        Signature = Sign(node, SignStep.ViewChange, height, view, []),
                    },
                };
            }
        }

        return null;
    }

    /// <summary>A signed phase vote from far ahead: it makes others believe the liar is ahead and sync from it.</summary>
    private ConsensusMessage Lure(SimNode node, ConsensusMessage message)
    {
        var height = MessageHeight(message) + LureHeights;
        var hash = new byte[32];
        _random.NextBytes(hash);
        return new ConsensusMessage
        {
            PhaseVote = new PhaseVote
            {
                Kind = PhaseVoteKind.Prepare,
                Height = height,
                View = 0,
                BlockHash = ByteString.CopyFrom(hash),
                Sender = (uint)node.Index,
                Signature = Sign(node, SignStep.Prepare, height, 0, hash),
            },
        };
    }

    private static ulong MessageHeight(ConsensusMessage message) => message.KindCase switch
    {
        ConsensusMessage.KindOneofCase.PrePrepare => message.PrePrepare.Height,
        ConsensusMessage.KindOneofCase.PhaseVote => message.PhaseVote.Height,
        ConsensusMessage.KindOneofCase.ViewChange => message.ViewChange.Height,
        _ => message.NewView.Height,
    };

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
