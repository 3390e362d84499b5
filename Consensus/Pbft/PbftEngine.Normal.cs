using VoteChain.Consensus.Chain;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>The normal case: the primary proposes, replicas prepare, a prepared quorum commits.</summary>
public sealed partial class PbftEngine
{
    private void MaybePropose()
    {
        if (!IsPrimary || ViewChanging || _round.Proposals.ContainsKey(View) || _round.ProposalRequested.Contains(View))
        {
            return;
        }

        var idleBlockDue = _config.BlockIntervalTicks > 0 && _ticksAtHeight >= _config.BlockIntervalTicks;
        if (View == 0 && !_hasWork && !idleBlockDue)
        {
            return;
        }

        RequestProposal();
    }

    private void RequestProposal()
    {
        _round.ProposalRequested.Add(View);
        _out.Propose = new ProposalRequest(Height, View, HeadHash, _factory!.Index);
    }

    private void OnProposalBuilt(ProposalBuilt built)
    {
        if (!IsPrimary || built.Height != Height || built.View != View || _round.Proposals.ContainsKey(View))
        {
            Drop(DropReason.Unexpected);
            return;
        }

        var parsed = BlockCodec.Parse(built.Block);
        if (parsed.Value is not { } block || StructureProblem(block) is not null)
        {
            Drop(DropReason.InvalidProposal);
            return;
        }

        if (ViewChanging)
        {
            // A new primary with nothing prepared to carry over proposes a fresh block inside its NewView.
            TryFormNewView(block);
            return;
        }

        if (SignedPrePrepare(block) is { } prePrepare)
        {
            OnPrePrepare(prePrepare);
        }
    }

    private PrePrepare? SignedPrePrepare(ParsedBlock block)
    {
        if (!_guard.MaySign(Height, View, SignStep.PrePrepare, block.Hash))
        {
            return null;
        }

        var prePrepare = _factory!.PrePrepare(Height, View, block);
        Signed(new ConsensusMessage { PrePrepare = prePrepare }, SignStep.PrePrepare, View, block.Hash);
        return prePrepare;
    }

    /// <summary>A proposal whose signature verified and whose body matches its header (<see cref="MessageChecks"/>).</summary>
    private void OnPrePrepare(PrePrepare prePrepare)
    {
        if (prePrepare.Sender != (uint)_validators.Primary(Height, prePrepare.View))
        {
            Drop(DropReason.NotPrimary);
            return;
        }

        if (prePrepare.View > View || (prePrepare.View == View && ViewChanging))
        {
            // A proposal in a later view is only followed through that view's NewView.
            Drop(DropReason.Unexpected);
            return;
        }

        if (prePrepare.View + _config.OldViewsKept < View)
        {
            Drop(DropReason.StaleProposal);
            return;
        }

        if (_round.Proposals.TryGetValue(prePrepare.View, out var earlier))
        {
            if (earlier.Message.Signature.Equals(prePrepare.Signature))
            {
                Drop(DropReason.Duplicate);
            }
            else
            {
                Evidence(prePrepare.Sender, new ConsensusMessage { PrePrepare = earlier.Message },
                    new ConsensusMessage { PrePrepare = prePrepare });
            }

            return;
        }

        var block = BlockCodec.Parse(prePrepare.Block.Span).Value!;
        var current = prePrepare.View == View;
        // Only a block some prepared certificate vouches for may be older than this validator's clock allows: it
        // was judged fresh when first prepared, and a new view must be able to carry it however long that took.
        var check = _round.PreparedHashes.Contains(block.Hash) ? ProposalCheck.Certified : ProposalCheck.Fresh;
        if (StructureProblem(block) is not null || (current && _proposals.Problem(block, check) is not null))
        {
            Drop(DropReason.InvalidProposal);
            return;
        }

        _round.Active = true;
        _round.Proposals[prePrepare.View] = (block, prePrepare);
        // One hash means one body (checked on arrival), so an entry already here is never replaced.
        _round.Keep(block, prePrepare.View);
        if (current)
        {
            SendPhaseVote(PhaseVoteKind.Prepare, block.Hash);
        }

        TryProgress();
    }

    /// <summary>A phase vote whose signature already verified.</summary>
    private void OnPhaseVote(PhaseVote vote)
    {
        if (vote.View > View + _config.MaxViewsAhead)
        {
            Drop(DropReason.FarFutureView);
            return;
        }

        if (vote.View + _config.OldViewsKept < View)
        {
            // Views left that far behind keep nothing (see ForgetOldViews); a quorum that finalized there is fetched.
            Drop(DropReason.OldView);
            return;
        }

        var book = vote.Kind == PhaseVoteKind.Prepare ? _round.Prepares : _round.Commits;
        if (book.Add(vote, out var added) is { } conflicting)
        {
            Evidence(vote.Sender, new ConsensusMessage { PhaseVote = conflicting }, new ConsensusMessage { PhaseVote = vote });
            return;
        }

        if (!added)
        {
            Drop(DropReason.Duplicate);
            return;
        }

        // Phase votes from f+1 validators mean real activity at this height (one of them is honest); fewer might be
        // one liar's, which alone must not start the clock of an idle chain.
        _round.PhaseVoters.Add(vote.Sender);
        if (_round.PhaseVoters.Count >= _validators.OneHonest)
        {
            _round.Active = true;
        }

        TryProgress();
    }

    /// <summary>Sends Commit once the current proposal is prepared, and commits once any view has a commit quorum.</summary>
    private void TryProgress()
    {
        if (!ViewChanging && _round.Proposals.TryGetValue(View, out var proposal) && !_round.CommitSent.Contains(View))
        {
            var prepares = _round.Prepares.For(View, proposal.Block.Hash);
            if (prepares.Count >= _validators.Quorum)
            {
                _round.SetPrepared(new PreparedCertificate
                {
                    View = View,
                    Block = proposal.Message.Block,
                    Prepares = { prepares.Select(p => new CommitSignature { ValidatorIndex = p.Key, Signature = Google.Protobuf.ByteString.CopyFrom(p.Value) }) },
                }, proposal.Block);
                SendPhaseVote(PhaseVoteKind.Commit, proposal.Block.Hash);
            }
        }

        foreach (var (view, hash) in _round.Commits.Quorums(_validators.Quorum))
        {
            if (_round.Blocks.TryGetValue(hash, out var block))
            {
                Finalize(block, CommitCertificates.Build(Height, view, hash, _round.Commits.For(view, hash)));
                return;
            }

            // A quorum committed a block this engine never saw: ask block sync for it.
            RequestFetch();
        }
    }

    private void SendPhaseVote(PhaseVoteKind kind, byte[] hash)
    {
        var sent = kind == PhaseVoteKind.Prepare ? _round.PrepareSent : _round.CommitSent;
        var step = MessageChecks.StepOf(kind);
        if (_factory is null || sent.Contains(View) || !_guard.MaySign(Height, View, step, hash))
        {
            return;
        }

        sent.Add(View);
        var vote = _factory.PhaseVote(kind, Height, View, hash);
        Signed(new ConsensusMessage { PhaseVote = vote }, step, View, hash);
        OnPhaseVote(vote);
    }

    /// <summary>Records a signature in the sign-state to persist, then queues the message.</summary>
    private void Signed(ConsensusMessage message, SignStep step, ulong view, byte[] hash)
    {
        _out.Persist = _guard.Record(Height, view, step, hash, _round.Prepared);
        _out.Messages.Add(message);
        _round.AddOwn(message);
    }
}
