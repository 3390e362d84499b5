using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// The body swap. The block hash covers only the header, so a block with the same header bytes and other transaction
/// bytes has the same hash, and every signature over that hash still verifies. The dishonest validator stays silent in
/// the views it leads; once an honest primary of a later view proposes block B, it sends, for each earlier view of the
/// height it leads, a PrePrepare signed over B's hash whose block carries B's header but the decoy transactions.
/// When it has seen a quorum of Prepares for B it also sends a ViewChange whose prepared certificate (those honest
/// Prepare signatures) carries the swapped body.
/// </summary>
internal sealed class BodySwapAttack : IAttack
{
    /// <summary>How many earlier views of a height it tries; far more than the views a short test ever reaches.</summary>
    private const ulong ViewsBack = 64;

    private readonly AttackContext _context;
    private readonly IReadOnlyList<ByteString> _decoys;
    private readonly Lock _gate = new();
    private readonly HashSet<(ulong Height, ulong View)> _swapped = [];
    private readonly Dictionary<(ulong Height, ulong View), (ParsedBlock Honest, ParsedBlock Swapped)> _proposals = [];
    private readonly Dictionary<(ulong Height, ulong View, ByteString Hash), Dictionary<uint, ByteString>> _prepares = [];
    private readonly HashSet<(ulong Height, ulong View)> _certificatesSent = [];
    private int _nextDecoy;

    /// <param name="decoys">Validly signed envelopes that are not in the chain, to put in place of a block's transactions.</param>
    public BodySwapAttack(AttackContext context, IReadOnlyList<byte[]> decoys)
    {
        if (decoys.Count == 0)
        {
            throw new ArgumentException("The swap needs decoy transactions.", nameof(decoys));
        }

        _context = context;
        _decoys = decoys.Select(ByteString.CopyFrom).ToList();
    }

    /// <summary>Heights at which a swapped PrePrepare was sent.</summary>
    public IReadOnlyList<ulong> SwappedHeights
    {
        get
        {
            lock (_gate)
            {
                return _swapped.Select(s => s.Height).Distinct().Order().ToList();
            }
        }
    }

    /// <summary>How many ViewChanges with a swapped prepared body were sent.</summary>
    public int SwappedCertificates
    {
        get
        {
            lock (_gate)
            {
                return _certificatesSent.Count;
            }
        }
    }

    public Task RunAsync(CancellationToken stop) => Task.CompletedTask;

    public void OnMessage(ConsensusMessage message)
    {
        lock (_gate)
        {
            switch (message.KindCase)
            {
                case ConsensusMessage.KindOneofCase.PrePrepare:
                    OnProposal(message.PrePrepare);
                    break;
                case ConsensusMessage.KindOneofCase.NewView:
                    OnProposal(message.NewView.PrePrepare);
                    break;
                case ConsensusMessage.KindOneofCase.PhaseVote when message.PhaseVote.Kind == PhaseVoteKind.Prepare:
                    OnPrepare(message.PhaseVote);
                    break;
                default:
                    break;
            }
        }
    }

    private void OnProposal(PrePrepare proposal)
    {
        if (proposal.Sender == _context.Index || BlockCodec.Parse(proposal.Block.Span).Value is not { } block || block.Header.TxCount == 0)
        {
            return;
        }

        var swapped = Swapped(block);
        _proposals[(proposal.Height, proposal.View)] = (block, swapped);
        var first = proposal.View > ViewsBack ? proposal.View - ViewsBack : 0;
        for (var view = first; view < proposal.View; view++)
        {
            if (_context.Leads(proposal.Height, view) && _swapped.Add((proposal.Height, view)))
            {
                // Signed over the unchanged hash with the validator's real key: it verifies like any late proposal.
                _context.Broadcast(new ConsensusMessage { PrePrepare = _context.Sign.PrePrepare(proposal.Height, view, swapped) });
            }
        }

        TrySendCertificate(proposal.Height, proposal.View);
    }

    private void OnPrepare(PhaseVote vote)
    {
        var key = (vote.Height, vote.View, vote.BlockHash);
        if (!_prepares.TryGetValue(key, out var signatures))
        {
            _prepares[key] = signatures = [];
        }

        signatures[vote.Sender] = vote.Signature;
        TrySendCertificate(vote.Height, vote.View);
    }

    /// <summary>Once a quorum prepared B at (height, view): a ViewChange to the next view "prepared" with B's header
    /// and the decoy body, proven by the honest Prepares over B's hash.</summary>
    private void TrySendCertificate(ulong height, ulong view)
    {
        if (!_proposals.TryGetValue((height, view), out var block)
            || !_prepares.TryGetValue((height, view, ByteString.CopyFrom(block.Honest.Hash)), out var signatures)
            || signatures.Count < _context.Validators.Quorum
            || !_certificatesSent.Add((height, view)))
        {
            return;
        }

        var certificate = new PreparedCertificate
        {
            View = view,
            Block = ByteString.CopyFrom(BlockCodec.WithoutCertificate(block.Swapped.Block)),
            Prepares =
            {
                signatures.Take(_context.Validators.Quorum).Select(s => new CommitSignature { ValidatorIndex = s.Key, Signature = s.Value }),
            },
        };
        _context.Broadcast(new ConsensusMessage { ViewChange = _context.Sign.ViewChange(height, view + 1, certificate, block.Honest.Hash) });
    }

    /// <summary>B's exact header bytes (so B's hash) over as many decoy transactions as B holds.</summary>
    private ParsedBlock Swapped(ParsedBlock honest)
    {
        var swapped = new Block { Header = honest.Block.Header };
        for (var i = 0; i < honest.Block.Transactions.Count; i++)
        {
            swapped.Transactions.Add(_decoys[_nextDecoy++ % _decoys.Count]);
        }

        var parsed = BlockCodec.Parse(swapped).Value
            ?? throw new InvalidOperationException("the swapped block does not parse");
        return parsed.Hash.AsSpan().SequenceEqual(honest.Hash)
            ? parsed
            : throw new InvalidOperationException("the swapped block's hash differs from the honest block's");
    }
}
