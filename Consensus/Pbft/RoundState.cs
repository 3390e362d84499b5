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

    /// <summary>The proposal accepted (signed by the right primary) in each view.</summary>
    public Dictionary<ulong, (ParsedBlock Block, PrePrepare Message)> Proposals { get; } = [];

    /// <summary>Every block seen at this height with a primary's signature or a prepared certificate, by hash.</summary>
    public Dictionary<byte[], ParsedBlock> Blocks { get; } = new(ByteKeyComparer.Instance);

    public PhaseVoteBook Prepares { get; } = new();

    public PhaseVoteBook Commits { get; } = new();

    /// <summary>Verified view changes by target view, one per sender.</summary>
    public Dictionary<ulong, Dictionary<uint, ViewChange>> ViewChanges { get; } = [];

    /// <summary>The highest view each sender has asked for at this height.</summary>
    public Dictionary<uint, ulong> HighestViewAsked { get; } = [];

    /// <summary>This validator's highest prepared certificate at this height.</summary>
    public PreparedCertificate? Prepared { get; set; }

    public HashSet<ulong> PrepareSent { get; } = [];

    public HashSet<ulong> CommitSent { get; } = [];

    public HashSet<ulong> ProposalRequested { get; } = [];

    public HashSet<ulong> NewViewSent { get; } = [];

    /// <summary>True once anything happened at this height: from then on a stall is a fault, not idleness.</summary>
    public bool Active { get; set; }

    public IReadOnlyList<ConsensusMessage> Own => _own;

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

        HighestViewAsked[viewChange.Sender] = Math.Max(viewChange.NewView,
            HighestViewAsked.GetValueOrDefault(viewChange.Sender));
        return true;
    }

    public int ViewChangeCount(ulong view) => ViewChanges.TryGetValue(view, out var senders) ? senders.Count : 0;
}
