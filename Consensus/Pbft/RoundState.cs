using VoteChain.Consensus.Chain;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>Everything an engine knows about the height it is agreeing on; replaced when the height commits.</summary>
internal sealed class RoundState
{
    /// <summary>How many of its own messages a validator re-sends; older ones concern views already left.</summary>
    private const int OwnMessagesKept = 8;

    private readonly List<ConsensusMessage> _own = [];

    /// <summary>The latest view each held block was proposed or carried in: what <see cref="ForgetViewsBefore"/> goes by.</summary>
    private readonly Dictionary<byte[], ulong> _blockViews = new(ByteKeyComparer.Instance);

    /// <summary>The proposal accepted (signed by the right primary) in each view.</summary>
    public Dictionary<ulong, (ParsedBlock Block, PrePrepare Message)> Proposals { get; } = [];

    /// <summary>
    /// Blocks seen at this height with a primary's signature or a prepared certificate, by hash, each with its body
    /// checked against its header before it got here (so one hash always means one body). Bounded: blocks of views
    /// left behind are freed by <see cref="ForgetViewsBefore"/>.
    /// </summary>
    public Dictionary<byte[], ParsedBlock> Blocks { get; } = new(ByteKeyComparer.Instance);

    /// <summary>Hashes some verified prepared certificate vouches for: a quorum judged their block fresh already.</summary>
    public HashSet<byte[]> PreparedHashes { get; } = new(ByteKeyComparer.Instance);

    public PhaseVoteBook Prepares { get; } = new();

    public PhaseVoteBook Commits { get; } = new();

    /// <summary>Verified view changes by target view, one per sender.</summary>
    public Dictionary<ulong, Dictionary<uint, ViewChange>> ViewChanges { get; } = [];

    /// <summary>The highest view each sender has asked for at this height.</summary>
    public Dictionary<uint, ulong> HighestViewAsked { get; } = [];

    /// <summary>This validator's highest prepared certificate at this height.</summary>
    public PreparedCertificate? Prepared { get; private set; }

    /// <summary>The hash of <see cref="Prepared"/>'s block; empty while nothing is prepared.</summary>
    public byte[] PreparedHash { get; private set; } = [];

    /// <summary>Validators whose phase votes arrived at this height (this one's own included).</summary>
    public HashSet<uint> PhaseVoters { get; } = [];

    public HashSet<ulong> PrepareSent { get; } = [];

    public HashSet<ulong> CommitSent { get; } = [];

    public HashSet<ulong> ProposalRequested { get; } = [];

    public HashSet<ulong> NewViewSent { get; } = [];

    /// <summary>True once anything happened at this height: from then on a stall is a fault, not idleness.</summary>
    public bool Active { get; set; }

    public IReadOnlyList<ConsensusMessage> Own => _own;

    /// <summary>Keeps a block proposed or carried in <paramref name="view"/> (its body already checked).</summary>
    public void Keep(ParsedBlock block, ulong view)
    {
        Blocks.TryAdd(block.Hash, block);
        _blockViews[block.Hash] = Math.Max(view, _blockViews.GetValueOrDefault(block.Hash));
    }

    /// <summary>Keeps a block that a verified prepared certificate vouches for, carried in <paramref name="view"/>.</summary>
    public void AddPrepared(ParsedBlock block, ulong view)
    {
        PreparedHashes.Add(block.Hash);
        Keep(block, view);
    }

    /// <summary>Records this validator's own (higher) prepared certificate over <paramref name="block"/>.</summary>
    public void SetPrepared(PreparedCertificate certificate, ParsedBlock block)
    {
        Prepared = certificate;
        PreparedHash = block.Hash;
        AddPrepared(block, certificate.View);
    }

    /// <summary>
    /// Frees the proposals, phase votes and view changes of views before <paramref name="cutoff"/>, and every block
    /// last seen in them. This engine's own prepared block stays: a new view may have to carry it. If a commit quorum
    /// ever forms for a freed block, the engine fetches it from the validators that finalized it.
    /// </summary>
    public void ForgetViewsBefore(ulong cutoff)
    {
        foreach (var view in Proposals.Keys.Where(v => v < cutoff).ToList())
        {
            Proposals.Remove(view);
        }

        foreach (var view in ViewChanges.Keys.Where(v => v < cutoff).ToList())
        {
            ViewChanges.Remove(view);
        }

        Prepares.ForgetViewsBefore(cutoff);
        Commits.ForgetViewsBefore(cutoff);
        foreach (var (hash, _) in _blockViews.Where(b => b.Value < cutoff && !b.Key.AsSpan().SequenceEqual(PreparedHash)).ToList())
        {
            Blocks.Remove(hash);
            _blockViews.Remove(hash);
        }
    }

    public void AddOwn(ConsensusMessage message)
    {
        _own.Add(message);
        if (_own.Count > OwnMessagesKept)
        {
            _own.RemoveAt(0);
        }
    }

    /// <summary>Stores a verified view change; false when the sender already sent one for that view.</summary>
    public bool AddViewChange(ViewChange viewChange)
    {
        if (!ViewChanges.TryGetValue(viewChange.NewView, out var senders))
        {
            senders = [];
            ViewChanges[viewChange.NewView] = senders;
        }

        if (!senders.TryAdd(viewChange.Sender, viewChange))
        {
            return false;
        }

        NoteViewAsked(viewChange.Sender, viewChange.NewView);
        return true;
    }

    /// <summary>Remembers the highest view a sender asked for: one number per validator, whatever it sends.</summary>
    public void NoteViewAsked(uint sender, ulong view) =>
        HighestViewAsked[sender] = Math.Max(view, HighestViewAsked.GetValueOrDefault(sender));

    /// <summary>How many validators (this one included) have asked for <paramref name="view"/> or a later one.</summary>
    public int AskedAtLeast(ulong view) => HighestViewAsked.Values.Count(v => v >= view);

    public int ViewChangeCount(ulong view) => ViewChanges.TryGetValue(view, out var senders) ? senders.Count : 0;
}
