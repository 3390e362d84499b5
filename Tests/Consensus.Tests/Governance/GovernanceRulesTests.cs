using Google.Protobuf;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Governance;

/// <summary>
/// Governance proposals and approvals through the real decoder, rules and state: who may propose and approve, when a
/// change is approved and when it takes effect, and every bound a change must keep, each tried by a change that breaks it.
/// </summary>
public sealed class GovernanceRulesTests
{
    private TestChain _chain = null!;

    [SetUp]
    public void SetUp() => _chain = new TestChain(validators: 4);

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [Test]
    public void Only_a_validator_in_force_may_propose_or_approve()
    {
        var stranger = _chain.Key(7);
        Assert.That(_chain.Commit(_chain.Propose(stranger, AddValidator(4)))!.Code, Is.EqualTo(RejectCode.NotValidator));
        Assert.That(_chain.Commit(_chain.Propose(_chain.Authority, AddValidator(4)))!.Code, Is.EqualTo(RejectCode.NotValidator),
            "an election authority is not a validator");

        var proposal = _chain.Propose(_chain.ValidatorKey(0), AddValidator(4));
        _chain.CommitOk(proposal);
        Assert.That(_chain.Commit(_chain.Approve(stranger, proposal.Id))!.Code, Is.EqualTo(RejectCode.NotValidator));
        var record = GovernanceState.Proposal(_chain.State, proposal.Id)!;
        Assert.That(record.Approvals, Has.Count.EqualTo(1), "the proposer's signature is its approval");
        Assert.That(record.ApprovedHeight, Is.Zero);
    }

    [Test]
    public void A_quorum_of_approvals_schedules_the_change_three_blocks_later_and_only_then_the_set_changes()
    {
        var proposal = _chain.Propose(_chain.ValidatorKey(0), AddValidator(4));
        _chain.CommitOk(proposal);
        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(1), proposal.Id));
        Assert.That(GovernanceState.Proposal(_chain.State, proposal.Id)!.ApprovedHeight, Is.Zero, "2 of 4 is no quorum");

        var third = _chain.Approve(_chain.ValidatorKey(2), proposal.Id);
        var result = _chain.Execute(third);
        Assert.That(result.IsOk, Is.True);
        var approvedAt = _chain.State.Height + 1;
        Assert.That(result.Value!.ValidatorChange, Is.Not.Null, "the approving block's header must carry the new set");
        Assert.That(result.Value.ValidatorChange!.ActivationHeight, Is.EqualTo(approvedAt + GovernanceRules.ActivationDelay));
        Assert.That(result.Value.ValidatorChange.PublicKeys.Select(k => k.ToByteArray()),
            Is.EqualTo(Enumerable.Range(0, 5).Select(i => _chain.ValidatorKey(i).PublicKey)));
        _chain.CommitOk(third);

        var record = GovernanceState.Proposal(_chain.State, proposal.Id)!;
        Assert.That(record.ApprovedHeight, Is.EqualTo(approvedAt));
        var activation = record.ActivationHeight;
        Assert.That(GovernanceState.ValidatorsAt(_chain.State, _chain.Rules, activation - 1), Has.Count.EqualTo(4));
        Assert.That(GovernanceState.ValidatorsAt(_chain.State, _chain.Rules, activation), Has.Count.EqualTo(5));
        Assert.That(GovernanceState.PendingActivation(_chain.State, approvedAt), Is.EqualTo(activation));

        // An engine starting on this state gets the same sets from the records (a node restarted after the approval).
        var genesis = new Pbft.ValidatorSet(_chain.Rules.GenesisValidators.Select(v => v.PublicKey.ToByteArray()));
        var schedule = GovernanceState.Schedule(_chain.State, _chain.Rules, genesis);
        Assert.That(schedule.At(activation - 1).Count, Is.EqualTo(4));
        Assert.That(schedule.At(activation).Count, Is.EqualTo(5));

        // Until the activation height the new validator is not in force: it may not approve anything yet.
        var early = _chain.Propose(_chain.ValidatorKey(4), AddValidator(5));
        Assert.That(_chain.Commit(early)!.Code, Is.EqualTo(RejectCode.NotValidator));
        CommitEmptyUntil(activation - 1);
        _chain.CommitOk(early);
        Assert.That(_chain.Execute().Value!.ValidatorChange, Is.Null, "a block that approves nothing carries no change");
    }

    [Test]
    public void An_approval_is_counted_once_and_a_closed_or_unknown_proposal_takes_none()
    {
        var proposal = Approved(AddValidator(4));
        Assert.That(_chain.Commit(_chain.Approve(_chain.ValidatorKey(3), proposal))!.Code, Is.EqualTo(RejectCode.ProposalClosed));

        var other = _chain.Propose(_chain.ValidatorKey(0), new GovernanceProposal { AddAuthority = ByteString.CopyFrom(_chain.Key(8).PublicKey) });
        _chain.CommitOk(other);
        Assert.That(_chain.Commit(_chain.Approve(_chain.ValidatorKey(0), other.Id))!.Code, Is.EqualTo(RejectCode.AlreadyApproved));
        Assert.That(_chain.Commit(_chain.Approve(_chain.ValidatorKey(0), new byte[32]))!.Code, Is.EqualTo(RejectCode.UnknownProposal));
        Assert.That(_chain.Commit(_chain.Approve(_chain.ValidatorKey(0), new byte[5]))!.Code, Is.EqualTo(RejectCode.Malformed));
    }

    [Test]
    public void A_validator_has_at_most_four_proposals_open_and_one_that_closes_makes_room()
    {
        // Up to f lying validators would otherwise fill state, and every listing, with proposals nobody approves.
        var proposer = _chain.ValidatorKey(0);
        var open = Enumerable.Range(0, ProposalBook.MaxOpenPerProposer).Select(i => _chain.Propose(proposer, AddAuthority(20 + i))).ToList();
        open.ForEach(p => _chain.CommitOk(p));
        var fifth = _chain.Propose(proposer, AddAuthority(30));
        var refused = _chain.Commit(fifth)!;
        Assert.That(refused.Code, Is.EqualTo(RejectCode.TooManyProposals));
        Assert.That(refused.Message, Does.Contain("4 proposals open"));
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(1), AddAuthority(31))), Is.Null, "another validator's count is its own");

        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(1), open[0].Id));
        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(2), open[0].Id));
        Assert.That(GovernanceState.Proposal(_chain.State, open[0].Id)!.ApprovedHeight, Is.Not.Zero);
        _chain.CommitOk(fifth);

        // Numbered in execution order: a listing reads the newest by number, not by scanning.
        var head = GovernanceState.Head(_chain.State);
        Assert.That(head.Proposals, Is.EqualTo(6));
        Assert.That(ProposalBook.IdOf(_chain.State, 1), Is.EqualTo(open[0].Id));
        Assert.That(ProposalBook.IdOf(_chain.State, head.Proposals), Is.EqualTo(fifth.Id));
        Assert.That(ProposalBook.IdOf(_chain.State, head.Proposals + 1), Is.Null);
    }

    [Test]
    public void A_proposal_not_approved_in_its_lifetime_expires()
    {
        var proposal = _chain.Propose(_chain.ValidatorKey(0), AddValidator(4));
        _chain.CommitOk(proposal);
        var proposedAt = _chain.State.Height;
        CommitEmptyUntil(proposedAt + GovernanceRules.ProposalLifetime);

        var late = _chain.Approve(_chain.ValidatorKey(1), proposal.Id);
        Assert.That(_chain.Commit(late)!.Code, Is.EqualTo(RejectCode.ProposalClosed));
        Assert.That(_chain.Commit(late)!.Message, Does.Contain("expired"));
    }

    [Test]
    public void While_one_change_waits_for_its_activation_no_other_can_be_approved()
    {
        var next = _chain.Propose(_chain.ValidatorKey(0), new GovernanceProposal { AddAuthority = ByteString.CopyFrom(_chain.Key(8).PublicKey) });
        _chain.CommitOk(next);
        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(1), next.Id));
        Approved(AddValidator(4));
        var activation = GovernanceState.Head(_chain.State).LastActivation;
        var completing = _chain.Approve(_chain.ValidatorKey(2), next.Id);
        Assert.That(_chain.Commit(completing)!.Code, Is.EqualTo(RejectCode.ChangePending));

        CommitEmptyUntil(activation - 1);
        _chain.CommitOk(completing);
        Assert.That(GovernanceState.Proposal(_chain.State, next.Id)!.ApprovedHeight, Is.Zero,
            "approvals count against the set in force: 3 of the 5 now in force is no quorum");
        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(3), next.Id));
        Assert.That(GovernanceState.Proposal(_chain.State, next.Id)!.ApprovedHeight, Is.EqualTo(activation + 1));
    }

    [Test]
    public void A_removal_may_not_leave_fewer_than_four_or_take_more_than_f_at_once()
    {
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), Remove(3)))!.Code, Is.EqualTo(RejectCode.UnsafeChange),
            "4 - 1 leaves 3");
        GrowTo(7);
        var tooMany = _chain.Commit(_chain.Propose(_chain.ValidatorKey(0), Remove(4, 5, 6)));
        Assert.That(tooMany!.Code, Is.EqualTo(RejectCode.UnsafeChange));
        Assert.That(tooMany.Message, Does.Contain("at most f = 2"));
        _chain.CommitOk(_chain.Propose(_chain.ValidatorKey(0), Remove(5, 6)));
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), Remove(3, 3)))!.Code, Is.EqualTo(RejectCode.Malformed));
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), RemoveKeys(_chain.Key(9).PublicKey)))!.Code,
            Is.EqualTo(RejectCode.UnsafeChange), "not a validator");
    }

    [Test]
    public void A_removed_validator_no_longer_counts_or_signs_and_its_key_can_never_return()
    {
        GrowTo(5);
        var removed = _chain.ValidatorKey(4);
        // An open proposal the leaving validator approved: after the removal its approval no longer counts.
        var open = _chain.Propose(removed, new GovernanceProposal { AddAuthority = ByteString.CopyFrom(_chain.Key(8).PublicKey) });
        _chain.CommitOk(open);
        Approved(Remove(4));
        CommitEmptyUntil(GovernanceState.Head(_chain.State).LastActivation - 1);
        Assert.That(GovernanceState.ValidatorsAt(_chain.State, _chain.Rules, _chain.State.Height + 1), Has.Count.EqualTo(4));

        Assert.That(_chain.Commit(_chain.Approve(removed, open.Id))!.Code, Is.EqualTo(RejectCode.NotValidator));
        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(0), open.Id));
        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(1), open.Id));
        Assert.That(GovernanceState.Proposal(_chain.State, open.Id)!.ApprovedHeight, Is.Zero, "2 counted of 4: the removed one's approval is gone");
        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(2), open.Id));
        Assert.That(GovernanceState.Proposal(_chain.State, open.Id)!.ApprovedHeight, Is.Not.Zero);

        Assert.That(GovernanceState.IsRetired(_chain.State, removed.PublicKey), Is.True);
        CommitEmptyUntil(GovernanceState.Head(_chain.State).LastActivation - 1);
        var again = AddValidator(4);
        again.Reason = "back again";
        var back = _chain.Commit(_chain.Propose(_chain.ValidatorKey(0), again));
        Assert.That(back!.Code, Is.EqualTo(RejectCode.UnsafeChange));
        Assert.That(back.Message, Does.Contain("can never return"));
    }

    [Test]
    public void A_rotation_keeps_the_index_and_retires_the_old_key()
    {
        var fresh = _chain.Key(50);
        Approved(new GovernanceProposal { RotateValidator = new RotateValidator
        {
            OldKey = ByteString.CopyFrom(_chain.ValidatorKey(2).PublicKey),
            NewKey = ByteString.CopyFrom(fresh.PublicKey),
        } });
        var activation = GovernanceState.Head(_chain.State).LastActivation;
        CommitEmptyUntil(activation - 1);

        var set = GovernanceState.ValidatorsAt(_chain.State, _chain.Rules, activation);
        Assert.That(set[2].PublicKey.ToByteArray(), Is.EqualTo(fresh.PublicKey));
        Assert.That(set[2].Name, Is.EqualTo("validator2"));
        Assert.That(GovernanceState.IsRetired(_chain.State, _chain.ValidatorKey(2).PublicKey), Is.True);
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(2), AddValidator(9)))!.Code, Is.EqualTo(RejectCode.NotValidator),
            "the rotated-out key signs nothing at a later height");
        _chain.CommitOk(_chain.Propose(fresh, AddValidator(9)));

        var toRetired = new GovernanceProposal { RotateValidator = new RotateValidator
        {
            OldKey = ByteString.CopyFrom(fresh.PublicKey),
            NewKey = ByteString.CopyFrom(_chain.ValidatorKey(2).PublicKey),
        } };
        Assert.That(_chain.Commit(_chain.Propose(fresh, toRetired))!.Code, Is.EqualTo(RejectCode.UnsafeChange), "back to the retired key");
        var toBad = toRetired.Clone();
        toBad.RotateValidator.NewKey = ByteString.CopyFrom(new byte[31]);
        Assert.That(_chain.Commit(_chain.Propose(fresh, toBad))!.Code, Is.EqualTo(RejectCode.BadPublicKey));
    }

    [Test]
    public void An_added_authority_acts_from_activation_and_a_removed_one_stops_there()
    {
        var newcomer = _chain.Key(60);
        var create = _chain.CreateElection("e1");
        var byNewcomer = _chain.Signed(newcomer, new TxPayload { CreateElection = create.Payload.CreateElection.Clone() });
        Assert.That(_chain.Commit(byNewcomer)!.Code, Is.EqualTo(RejectCode.NotAuthority));

        Approved(new GovernanceProposal { AddAuthority = ByteString.CopyFrom(newcomer.PublicKey) });
        var activation = GovernanceState.Head(_chain.State).LastActivation;
        Assert.That(_chain.Commit(byNewcomer)!.Code, Is.EqualTo(RejectCode.NotAuthority), "not before its activation");
        CommitEmptyUntil(activation - 1);
        _chain.CommitOk(byNewcomer);

        Approved(new GovernanceProposal { RemoveAuthority = ByteString.CopyFrom(_chain.Authority.PublicKey) });
        CommitEmptyUntil(GovernanceState.Head(_chain.State).LastActivation - 1);
        Assert.That(_chain.Commit(_chain.CreateElection("e2"))!.Code, Is.EqualTo(RejectCode.NotAuthority));
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0),
            new GovernanceProposal { RemoveAuthority = ByteString.CopyFrom(_chain.Authority.PublicKey), Reason = "again" }))!.Code,
            Is.EqualTo(RejectCode.UnsafeChange), "no longer an authority");

        // The newcomer is now the only authority: removing it would leave no one to create an election.
        var last = _chain.Commit(_chain.Propose(_chain.ValidatorKey(0), new GovernanceProposal { RemoveAuthority = ByteString.CopyFrom(newcomer.PublicKey) }))!;
        Assert.That(last.Code, Is.EqualTo(RejectCode.UnsafeChange));
        Assert.That(last.Message, Does.Contain("last election authority"));
    }

    [Test]
    public void Double_sign_evidence_backs_a_removal_only_when_it_is_real_and_against_that_validator()
    {
        GrowTo(5);
        var liar = new Pbft.MessageFactory(TestChain.ChainId, _chain.ValidatorKey(4), 4);
        var height = _chain.State.Height + 1;
        var evidence = new Evidence
        {
            Validator = 4,
            First = new ConsensusMessage { PhaseVote = liar.PhaseVote(PhaseVoteKind.Commit, height, 0, Crypto.Hashing.Sha256("a"u8)) },
            Second = new ConsensusMessage { PhaseVote = liar.PhaseVote(PhaseVoteKind.Commit, height, 0, Crypto.Hashing.Sha256("b"u8)) },
        };
        CommitEmptyUntil(height);

        var againstOther = Remove(3);
        againstOther.RemoveValidators.Evidence = evidence;
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), againstOther))!.Code, Is.EqualTo(RejectCode.BadProof));

        var forged = Remove(4);
        forged.RemoveValidators.Evidence = evidence.Clone();
        forged.RemoveValidators.Evidence.Second.PhaseVote.Signature = ByteString.CopyFrom(new byte[64]);
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), forged))!.Code, Is.EqualTo(RejectCode.BadProof));

        var same = Remove(4);
        same.RemoveValidators.Evidence = new Evidence { Validator = 4, First = evidence.First, Second = evidence.First };
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), same))!.Code, Is.EqualTo(RejectCode.BadProof), "one message twice is no double sign");

        var backed = Remove(4);
        backed.RemoveValidators.Evidence = evidence;
        var proposal = _chain.Propose(_chain.ValidatorKey(0), backed);
        _chain.CommitOk(proposal);
        Assert.That(GovernanceState.Proposal(_chain.State, proposal.Id)!.Proposal.RemoveValidators.Evidence, Is.Not.Null);

        // The evidence informs the honest validators; their quorum (4 of 5) removes the liar, whose key then retires.
        for (var approver = 1; approver <= 3; approver++)
        {
            _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(approver), proposal.Id));
        }

        var activation = GovernanceState.Proposal(_chain.State, proposal.Id)!.ActivationHeight;
        Assert.That(activation, Is.Not.Zero, "approved by the quorum of the five in force");
        Assert.That(GovernanceState.ValidatorsAt(_chain.State, _chain.Rules, activation).Select(v => v.PublicKey.ToByteArray()),
            Has.None.EqualTo(_chain.ValidatorKey(4).PublicKey));
        Assert.That(GovernanceState.IsRetired(_chain.State, _chain.ValidatorKey(4).PublicKey), Is.True);
    }

    [TestCase(0u, 2000u, 0u, 5000u, TestName = "max_block_txs 0")]
    [TestCase(20_000u, 2000u, 0u, 5000u, TestName = "max_block_txs above genesis")]
    [TestCase(100u, 100u, 0u, 5000u, TestName = "propose timeout too short")]
    [TestCase(100u, 2000u, 50u, 5000u, TestName = "block interval too short")]
    [TestCase(100u, 2000u, 0u, 10u, TestName = "clock drift too small")]
    public void Parameters_outside_their_bounds_are_refused(uint maxTxs, uint timeout, uint interval, uint drift)
    {
        var proposal = Params(maxTxs, timeout, interval, drift);
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), proposal))!.Code, Is.EqualTo(RejectCode.UnsafeChange));
    }

    [Test]
    public void Parameters_within_bounds_take_effect_at_activation()
    {
        Approved(Params(100, 1_000, 500, 2_000));
        var activation = GovernanceState.Head(_chain.State).LastActivation;
        Assert.That(GovernanceState.ParamsAt(_chain.State, _chain.Rules, activation - 1).MaxBlockTxs, Is.EqualTo(10_000));
        Assert.That(GovernanceState.ParamsAt(_chain.State, _chain.Rules, activation).MaxBlockTxs, Is.EqualTo(100));
    }

    [Test]
    public void An_older_change_of_parameters_cannot_undo_a_newer_one()
    {
        var older = _chain.Propose(_chain.ValidatorKey(0), Params(100, 1_000, 500, 2_000));
        _chain.CommitOk(older);
        Approved(Params(200, 1_500, 500, 2_000));
        CommitEmptyUntil(GovernanceState.Head(_chain.State).LastActivation);

        _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(1), older.Id));
        var stale = _chain.Commit(_chain.Approve(_chain.ValidatorKey(2), older.Id))!;
        Assert.That(stale.Code, Is.EqualTo(RejectCode.UnsafeChange));
        Assert.That(stale.Message, Does.Contain("changed since this proposal"));
        Assert.That(GovernanceState.ParamsAt(_chain.State, _chain.Rules, _chain.State.Height + 10).MaxBlockTxs, Is.EqualTo(200));
    }

    [Test]
    public void A_long_reason_or_an_empty_proposal_is_malformed()
    {
        var proposal = AddValidator(4);
        proposal.Reason = new string('x', GovernanceChecks.MaxReasonBytes + 1);
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), proposal))!.Code, Is.EqualTo(RejectCode.Malformed));
        Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), new GovernanceProposal()))!.Code, Is.EqualTo(RejectCode.Malformed));
    }

    [Test]
    public void A_new_validator_must_be_valid_and_unlike_every_member()
    {
        var sameName = AddValidator(4);
        sameName.AddValidator.Name = "validator1";
        var sameEndpoint = AddValidator(4);
        sameEndpoint.AddValidator.Endpoint = "http://127.0.0.1:7101";
        var badKey = AddValidator(4);
        badKey.AddValidator.PublicKey = ByteString.CopyFrom(new byte[32]);
        var badEndpoint = AddValidator(4);
        badEndpoint.AddValidator.Endpoint = "ftp://x";
        // Another spelling of a member's endpoint (nodes compare endpoints case-blind): every node would then expect the
        // newcomer's key at validator1's endpoint and stop talking to validator1.
        var sameEndpointOtherCase = AddValidator(4);
        sameEndpointOtherCase.AddValidator.Endpoint = "HTTP://127.0.0.1:7101";
        var notCanonical = AddValidator(4);
        notCanonical.AddValidator.Endpoint = "http://127.0.0.1:7104/";

        Assert.Multiple(() =>
        {
            Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), sameName))!.Code, Is.EqualTo(RejectCode.UnsafeChange));
            Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), sameEndpoint))!.Code, Is.EqualTo(RejectCode.UnsafeChange));
            Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), sameEndpointOtherCase))!.Code, Is.EqualTo(RejectCode.UnsafeChange));
            Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), notCanonical))!.Message,
                Does.Contain("must be written as http://127.0.0.1:7104"));
            Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), badKey))!.Code, Is.EqualTo(RejectCode.BadPublicKey));
            Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), badEndpoint))!.Code, Is.EqualTo(RejectCode.BadPublicKey));
            Assert.That(_chain.Commit(_chain.Propose(_chain.ValidatorKey(0), AddValidator(1)))!.Code, Is.EqualTo(RejectCode.UnsafeChange),
                "already a validator");
        });
    }

    /// <summary>Proposes with validator 0 and approves with 1 and 2 (a quorum of 4; of more, with as many as needed).</summary>
    private byte[] Approved(GovernanceProposal proposal)
    {
        var proposed = _chain.Propose(_chain.ValidatorKey(0), proposal);
        _chain.CommitOk(proposed);
        for (var i = 1; GovernanceState.Proposal(_chain.State, proposed.Id)!.ApprovedHeight == 0; i++)
        {
            _chain.CommitOk(_chain.Approve(_chain.ValidatorKey(i), proposed.Id));
        }

        return proposed.Id;
    }

    /// <summary>Adds validators 4, 5, ... one change at a time until there are <paramref name="count"/>, each in force.</summary>
    private void GrowTo(int count)
    {
        for (var next = GovernanceState.ValidatorsAt(_chain.State, _chain.Rules, _chain.State.Height + 1).Count; next < count; next++)
        {
            Approved(AddValidator(next));
            CommitEmptyUntil(GovernanceState.Head(_chain.State).LastActivation - 1);
        }
    }

    private void CommitEmptyUntil(ulong height)
    {
        while (_chain.State.Height < height)
        {
            _chain.CommitOk();
        }
    }

    private GovernanceProposal AddAuthority(int keyNumber) => new() { AddAuthority = ByteString.CopyFrom(_chain.Key(keyNumber).PublicKey) };

    private GovernanceProposal AddValidator(int number) => new() { AddValidator = _chain.ValidatorInfoFor(number) };

    private GovernanceProposal Remove(params int[] numbers) => RemoveKeys([.. numbers.Select(n => _chain.ValidatorKey(n).PublicKey)]);

    private static GovernanceProposal RemoveKeys(params byte[][] keys)
    {
        var remove = new RemoveValidators();
        remove.PublicKeys.AddRange(keys.Select(ByteString.CopyFrom));
        return new GovernanceProposal { RemoveValidators = remove };
    }

    private static GovernanceProposal Params(uint maxTxs, uint timeout, uint interval, uint drift) => new()
    {
        ConsensusParams = new ConsensusParams
        {
            MaxBlockTxs = maxTxs, MaxBlockBytes = 1024 * 1024, ProposeTimeoutMs = timeout, BlockIntervalMs = interval, MaxClockDriftMs = drift,
        },
    };
}
