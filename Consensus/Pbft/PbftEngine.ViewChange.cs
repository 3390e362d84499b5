using VoteChain.Consensus.Chain;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// The view change: replicas that see no progress ask for a new view with their highest prepared certificate; the
/// new primary proves a quorum asked and re-proposes the highest prepared block, so a block that may have
/// committed somewhere is never replaced.
/// </summary>
public sealed partial class PbftEngine
{
    /// <summary>
    /// On its own timeout a replica moves to the next view only. What any single validator asked for does not move
    /// it (a liar would steer every replica into views it leads and stay silent there); f+1 do, through
    /// <see cref="JoinIfOneHonestAsks"/>.
    /// </summary>
    private void OnViewTimeout() => StartViewChange(View + 1);

    private void StartViewChange(ulong newView)
    {
        View = newView;
        ViewChanging = true;
        _round.Active = true;
        ResetTimers();
        ForgetOldViews();
        if (_factory is null)
        {
            return;
        }

        var preparedHash = _round.PreparedHash;
        if (_guard.MaySign(Height, newView, SignStep.ViewChange, preparedHash))
        {
            var viewChange = _factory.ViewChange(Height, newView, _round.Prepared, preparedHash);
            Signed(new ConsensusMessage { ViewChange = viewChange }, SignStep.ViewChange, newView, preparedHash);
            _round.AddViewChange(viewChange);
        }

        TryFormNewView(null);
    }

    /// <summary>A view change whose own signature verified; its prepared certificate is checked here.</summary>
    private void OnViewChange(ViewChange viewChange)
    {
        if (viewChange.NewView < View || (viewChange.NewView == View && !ViewChanging))
        {
            Drop(DropReason.OldView);
            return;
        }

        if (viewChange.NewView > View + _config.MaxViewsAhead)
        {
            // Not stored, but its (signed) view still counts toward f+1 asking for later views: otherwise a replica
            // left far behind could never rejoin validators that need it for a quorum.
            _round.NoteViewAsked(viewChange.Sender, viewChange.NewView);
            Drop(DropReason.FarFutureView);
            JoinIfOneHonestAsks();
            return;
        }

        if (_checks.ViewChangeProblem(viewChange, out var preparedBlock) is { } problem)
        {
            Drop(problem);
            return;
        }

        if (!_round.AddViewChange(viewChange))
        {
            Drop(DropReason.Duplicate);
            return;
        }

        // A view change alone does not start this replica's clock: one liar's view changes would otherwise keep an
        // idle chain changing views (and making empty blocks). f+1 of them move it through JoinIfOneHonestAsks.
        if (preparedBlock is not null)
        {
            _round.AddPrepared(preparedBlock, viewChange.NewView);
        }

        JoinIfOneHonestAsks();
        TryFormNewView(null);
    }

    /// <summary>
    /// f+1 validators asking for later views include an honest one, so this one is behind: it joins the highest
    /// view that f+1 of them have reached.
    /// </summary>
    private void JoinIfOneHonestAsks()
    {
        var ahead = _round.HighestViewAsked
            // Only later views count: view changes for the view this engine is in (or moving to) are the ones that
            // brought it there, and rejoining them would throw it out of a view that is making progress.
            .Where(asked => asked.Key != Index && asked.Value > View)
            .Select(asked => asked.Value)
            .OrderByDescending(v => v)
            .ToList();
        if (ahead.Count >= _validators.OneHonest)
        {
            StartViewChange(ahead[_validators.OneHonest - 1]);
        }
    }

    /// <summary>
    /// As the new primary holding a quorum of view changes: re-propose the highest prepared block, or, with none,
    /// ask for a fresh block (<paramref name="freshBlock"/> is that block once built).
    /// </summary>
    private void TryFormNewView(ParsedBlock? freshBlock)
    {
        if (!ViewChanging || !IsPrimary || _round.NewViewSent.Contains(View) || _round.ViewChangeCount(View) < _validators.Quorum)
        {
            return;
        }

        // Exactly a quorum, the highest prepared first: the check needs no more, and more would only make the NewView
        // larger (each view change may carry a whole block).
        var viewChanges = _round.ViewChanges[View].Values
            .OrderByDescending(v => v.Prepared is null ? -1L : (long)v.Prepared.View)
            .ThenBy(v => v.Sender)
            .Take(_validators.Quorum)
            .ToList();
        var carried = HighestPrepared(viewChanges);
        var block = carried is not null ? BlockCodec.Parse(carried.Block.Span).Value! : freshBlock;
        if (block is null)
        {
            if (!_round.ProposalRequested.Contains(View))
            {
                RequestProposal();
            }

            return;
        }

        if (SignedPrePrepare(block) is not { } prePrepare || !_guard.MaySign(Height, View, SignStep.NewView, block.Hash))
        {
            return;
        }

        _round.NewViewSent.Add(View);
        var newView = _factory!.NewView(Height, View, viewChanges, prePrepare, block.Hash);
        Signed(new ConsensusMessage { NewView = newView }, SignStep.NewView, View, block.Hash);
        EnterView(View);
        OnPrePrepare(prePrepare);
    }

    /// <summary>A NewView whose own signature (and its proposal's) verified.</summary>
    private void OnNewView(NewView newView)
    {
        if (newView.Sender != (uint)_validators.Primary(Height, newView.View))
        {
            Drop(DropReason.NotPrimary);
            return;
        }

        if (newView.View < View || (newView.View == View && !ViewChanging))
        {
            Drop(DropReason.OldView);
            return;
        }

        if (newView.View > View + _config.MaxViewsAhead)
        {
            Drop(DropReason.FarFutureView);
            return;
        }

        if (NewViewProblem(newView))
        {
            Drop(DropReason.InvalidNewView);
            return;
        }

        foreach (var viewChange in newView.ViewChanges.Where(v => v.Prepared is not null))
        {
            // Verified by NewViewProblem, bodies included.
            _round.AddPrepared(BlockCodec.Parse(viewChange.Prepared.Block.Span).Value!, newView.View);
        }

        EnterView(newView.View);
        OnPrePrepare(newView.PrePrepare);
    }

    /// <summary>
    /// True unless the NewView holds a quorum of valid view changes for its view from distinct validators, and its
    /// proposal is for this height and view and carries the highest prepared block among them, if there is one.
    /// </summary>
    private bool NewViewProblem(NewView newView)
    {
        var senders = new HashSet<uint>();
        foreach (var viewChange in newView.ViewChanges)
        {
            if (viewChange.Height != Height || viewChange.NewView != newView.View
                || _checks.ViewChangeProblem(viewChange, out _) is not null || !senders.Add(viewChange.Sender))
            {
                return true;
            }
        }

        var prePrepare = newView.PrePrepare;
        if (senders.Count < _validators.Quorum || prePrepare.Height != Height || prePrepare.View != newView.View
            || prePrepare.Sender != newView.Sender)
        {
            return true;
        }

        var carried = HighestPrepared(newView.ViewChanges);
        if (carried is null)
        {
            return false;
        }

        var proposed = BlockCodec.Parse(prePrepare.Block.Span).Value!.Hash;
        return !newView.ViewChanges
            .Where(v => v.Prepared is not null && v.Prepared.View == carried.View)
            .Any(v => HashOf(v.Prepared).AsSpan().SequenceEqual(proposed)) ;
    }

    private static PreparedCertificate? HighestPrepared(IEnumerable<ViewChange> viewChanges) =>
        viewChanges.Select(v => v.Prepared).Where(p => p is not null).MaxBy(p => p!.View);

    private void EnterView(ulong view)
    {
        View = view;
        ViewChanging = false;
        ResetTimers();
        ForgetOldViews();
    }

    private void ForgetOldViews()
    {
        if (View > _config.OldViewsKept)
        {
            _round.ForgetViewsBefore(View - _config.OldViewsKept);
        }
    }
}
