using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation.Tests;

/// <summary>
/// Each defence of the engine against one lying validator, step by step on a real engine: forged bodies under
/// genuine signatures, old-view proposals, steered views, and junk from block sync.
/// </summary>
public sealed class ByzantineDefenceTests
{
    private const int Node = 0;
    private Simulation _sim = null!;
    private PbftEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _sim = new Simulation(seed: 51, validators: 4, busy: false);
        _engine = _sim.Engine(Node);
    }

    [Test]
    public void A_proposal_whose_body_does_not_match_its_signed_header_is_dropped()
    {
        var (prePrepare, _) = Proposal(view: 0, ["a"u8.ToArray(), "b"u8.ToArray()]);
        prePrepare.Block = ByzantineMutator.SwappedBody(prePrepare.Block);

        var output = Receive(new ConsensusMessage { PrePrepare = prePrepare });

        Assert.That(_engine.Drops.GetValueOrDefault(DropReason.InvalidBody), Is.EqualTo(1));
        Assert.That(output.Messages, Is.Empty, "no Prepare for a forged body");
    }

    [Test]
    public void An_old_view_proposal_with_the_same_header_and_other_transactions_never_replaces_the_held_body()
    {
        // Views 0 and 1 pass (their primaries silent); node 0 then holds view 2's genuine proposal.
        var (genuine, block) = Proposal(view: 2, ["vote-1"u8.ToArray(), "vote-2"u8.ToArray()]);
        EnterView(2, genuine, block);

        // The primary of view 1 signs the same header (its signature covers only the hash) over other bytes.
        var forged = SignedPrePrepare(view: 1, ByzantineMutator.SwappedBody(genuine.Block), block.Hash);
        Receive(new ConsensusMessage { PrePrepare = forged });

        Assert.That(_engine.Drops.GetValueOrDefault(DropReason.InvalidBody), Is.EqualTo(1));
        FinalizeWithCommits(view: 2, block.Hash, out var finalized);
        Assert.That(BlockCodec.WithoutCertificate(finalized.Block.Block), Is.EqualTo(genuine.Block.ToByteArray()),
            "the block finalized with the body that was proposed");
    }

    [Test]
    public void Proposals_of_views_older_than_the_engine_keeps_are_refused()
    {
        var (proposal, block) = Proposal(view: 4, ["now"u8.ToArray()]);
        EnterView(4, proposal, block);
        var (stale, _) = Proposal(view: 1, ["late"u8.ToArray()]);

        Receive(new ConsensusMessage { PrePrepare = stale });

        Assert.That(_engine.Drops.GetValueOrDefault(DropReason.StaleProposal), Is.EqualTo(1));
    }

    [Test]
    public void One_validator_asking_for_a_later_view_moves_no_one_but_f_plus_one_do()
    {
        var liar = 1;
        Receive(ViewChange(liar, newView: 40));
        Assert.That((_engine.View, _engine.ViewChanging), Is.EqualTo((0UL, false)), "one liar alone");

        // The replica's own timeout takes it to the next view only, whatever the liar asked for.
        _engine.Step(new WorkPending(true));
        TickUntilViewChanging(limit: 1_000);

        Assert.That((_engine.View, _engine.ViewChanging), Is.EqualTo((1UL, true)));

        Receive(ViewChange(2, newView: 40));
        Assert.That(_engine.View, Is.EqualTo(40UL), "f+1 = 2 validators asked for view 40: one of them is honest");
    }

    [Test]
    public void One_validator_poking_an_idle_chain_does_not_start_its_clock_but_f_plus_one_do()
    {
        var liar = 1;
        Receive(PhaseVote(liar, Consensus.Crypto.Hashing.Sha256("nothing"u8)));
        Receive(ViewChange(liar, newView: 1));
        TickUntilViewChanging(limit: 1_000);
        Assert.That((_engine.View, _engine.ViewChanging), Is.EqualTo((0UL, false)), "an idle chain stays idle");

        Receive(PhaseVote(2, Consensus.Crypto.Hashing.Sha256("something"u8)));
        TickUntilViewChanging(limit: 1_000);
        Assert.That(_engine.ViewChanging, Is.True, "two validators voting at this height is activity: its clock runs");
    }

    [Test]
    public void A_replica_waiting_in_a_view_change_counts_validators_that_asked_for_later_views()
    {
        // Found by sweep seed 4243: a validator moved on to view 2 and restarted, its view change for view 1 lost for
        // good; the two others waited in view 1 for a third view change that could never come.
        _engine.Step(new WorkPending(true));
        TickUntilViewChanging(limit: 1_000);
        Receive(ViewChange(2, newView: 1));
        Receive(ViewChange(3, newView: 2));
        Assert.That((_engine.View, _engine.ViewChanging), Is.EqualTo((1UL, true)), "one validator ahead moves no one");

        for (var tick = 0; tick < 1_000 && _engine.View == 1; tick++)
        {
            _engine.Step(Tick.Instance);
        }

        Assert.That(_engine.View, Is.EqualTo(2UL), "a quorum gave up on view 1, so its clock ran out and it moved on");
    }

    [Test]
    public void Messages_and_blocks_padded_with_fields_no_signature_covers_are_dropped()
    {
        // Signatures cover fixed layouts, so unknown fields ride along unchecked: a liar could pad its view changes
        // until every NewView carrying one is too large to deliver, or pad blocks past the limits unmeasured.
        var viewChange = ViewChange(1, newView: 1);
        var padded = ConsensusMessage.Parser.ParseFrom([.. viewChange.ToByteArray(), .. UnknownField]);
        Assert.That(padded.CalculateSize(), Is.GreaterThan(viewChange.CalculateSize()), "the padding survived parsing");
        Receive(padded);
        Assert.That(_engine.Drops.GetValueOrDefault(DropReason.Malformed), Is.EqualTo(1));

        var (prePrepare, _) = Proposal(view: 0, ["vote"u8.ToArray()]);
        prePrepare.Block = ByteString.CopyFrom([.. prePrepare.Block.ToByteArray(), .. UnknownField]);
        var before = _engine.Drops.GetValueOrDefault(DropReason.Malformed);
        var output = Receive(new ConsensusMessage { PrePrepare = prePrepare });
        Assert.That(_engine.Drops.GetValueOrDefault(DropReason.Malformed), Is.EqualTo(before + 1));
        Assert.That(output.Messages, Is.Empty, "no Prepare for a padded block");
    }

    [Test]
    public void Messages_one_validator_sends_for_the_next_height_are_buffered_up_to_four_blocks_worth_of_bytes()
    {
        // Validator 1 leads views 3, 7, 11, ... at height 2: genuine proposals from it, each near the block limit.
        var big = new byte[(int)SimLedger.Limits.MaxBytes - 2_000];
        for (var i = 0; i < 6; i++)
        {
            var view = 3UL + (4UL * (ulong)i);
            var request = new ProposalRequest(2, view, Consensus.Crypto.Hashing.Sha256("next"u8), 1);
            var block = SimLedger.Build(Simulation.ChainId, request, 1, [[(byte)i, .. big]]);
            var prePrepare = new PrePrepare
            {
                Height = 2,
                View = view,
                Block = ByteString.CopyFrom(BlockCodec.WithoutCertificate(block.Block)),
                Sender = 1,
                Signature = ByteString.CopyFrom(_sim.Nodes[1].Key.Sign(MessageSigning.Bytes(SignStep.PrePrepare, Simulation.ChainId, 2, view, block.Hash))),
            };
            Receive(new ConsensusMessage { PrePrepare = prePrepare });
        }

        Assert.That(_engine.Drops.GetValueOrDefault(DropReason.FutureHeight), Is.EqualTo(2), "four blocks' worth kept, the rest dropped");
    }

    /// <summary>Field 99, length-delimited, three bytes: unknown to every message of the schema.</summary>
    private static readonly byte[] UnknownField = [0x9A, 0x06, 0x03, 0x61, 0x62, 0x63];

    [Test]
    public void A_fetched_block_with_a_junk_body_under_a_real_certificate_is_refused_and_blamed_on_its_source()
    {
        var (_, block) = Proposal(view: 0, ["vote"u8.ToArray()]);
        var certified = block.Block.Clone();
        certified.Certificate = CommitCertificates.Build(1, 0, block.Hash, Enumerable.Range(1, 3)
            .Select(i => new KeyValuePair<uint, byte[]>((uint)i, Sign(i, SignStep.Commit, 0, block.Hash))));
        var junk = ByzantineMutator.SwappedBody(certified.ToByteString()).ToByteArray();

        var output = _engine.Step(new BlockFetched(junk, "peer-7"));

        Assert.That(output.Finalized, Is.Empty);
        Assert.That(output.RefusedBlocks.Single(), Is.EqualTo(new RefusedBlock("peer-7", 1, "the transactions do not hash to the header's tx root")));
        Assert.That(_engine.Height, Is.EqualTo(1UL));

        var good = _engine.Step(new BlockFetched(certified.ToByteArray(), "peer-8"));
        Assert.That(good.Finalized.Single().Block.Hash, Is.EqualTo(block.Hash), "the real block from an honest peer is taken");
    }

    private StepOutput Receive(ConsensusMessage message) => _engine.Step(new MessageReceived(message));

    private void TickUntilViewChanging(int limit)
    {
        for (var tick = 0; tick < limit && !_engine.ViewChanging; tick++)
        {
            _engine.Step(Tick.Instance);
        }
    }

    private ConsensusMessage PhaseVote(int sender, byte[] hash) => new()
    {
        PhaseVote = new PhaseVote
        {
            Kind = PhaseVoteKind.Prepare,
            Height = 1,
            View = 0,
            BlockHash = ByteString.CopyFrom(hash),
            Sender = (uint)sender,
            Signature = ByteString.CopyFrom(Sign(sender, SignStep.Prepare, 0, hash)),
        },
    };

    /// <summary>Moves node 0 into <paramref name="view"/> through a NewView from that view's primary, with its proposal.</summary>
    private void EnterView(ulong view, PrePrepare prePrepare, ParsedBlock block)
    {
        var viewChanges = Enumerable.Range(1, 3).Select(i => ViewChange(i, view).ViewChange).ToList();
        var primary = _sim.Validators.Primary(1, view);
        var newView = new NewView
        {
            Height = 1,
            View = view,
            ViewChanges = { viewChanges },
            PrePrepare = prePrepare,
            Sender = (uint)primary,
            Signature = ByteString.CopyFrom(Sign(primary, SignStep.NewView, view, block.Hash)),
        };
        Receive(new ConsensusMessage { NewView = newView });
        Assert.That((_engine.View, _engine.ViewChanging), Is.EqualTo((view, false)), "node 0 entered the view");
    }

    private void FinalizeWithCommits(ulong view, byte[] hash, out FinalizedBlock finalized)
    {
        FinalizedBlock? result = null;
        foreach (var sender in new[] { 1, 2, 3 })
        {
            var output = Receive(new ConsensusMessage
            {
                PhaseVote = new PhaseVote
                {
                    Kind = PhaseVoteKind.Commit,
                    Height = 1,
                    View = view,
                    BlockHash = ByteString.CopyFrom(hash),
                    Sender = (uint)sender,
                    Signature = ByteString.CopyFrom(Sign(sender, SignStep.Commit, view, hash)),
                },
            });
            result ??= output.Finalized.SingleOrDefault();
        }

        Assert.That(result, Is.Not.Null, "a commit quorum finalizes the block");
        finalized = result!;
    }

    private (PrePrepare Message, ParsedBlock Block) Proposal(ulong view, IReadOnlyList<byte[]> transactions)
    {
        var primary = _sim.Validators.Primary(1, view);
        var request = new ProposalRequest(1, view, _sim.Nodes[Node].Ledger.HeadHash, (uint)primary);
        var block = SimLedger.Build(Simulation.ChainId, request, 1, transactions);
        var bytes = ByteString.CopyFrom(BlockCodec.WithoutCertificate(block.Block));
        return (SignedPrePrepare(view, bytes, block.Hash), block);
    }

    private PrePrepare SignedPrePrepare(ulong view, ByteString blockBytes, byte[] hash)
    {
        var primary = _sim.Validators.Primary(1, view);
        return new PrePrepare
        {
            Height = 1,
            View = view,
            Block = blockBytes,
            Sender = (uint)primary,
            Signature = ByteString.CopyFrom(Sign(primary, SignStep.PrePrepare, view, hash)),
        };
    }

    private ConsensusMessage ViewChange(int sender, ulong newView) => new()
    {
        ViewChange = new ViewChange
        {
            Height = 1,
            NewView = newView,
            Sender = (uint)sender,
            Signature = ByteString.CopyFrom(Sign(sender, SignStep.ViewChange, newView, [])),
        },
    };

    private byte[] Sign(int sender, SignStep step, ulong view, byte[] hash) =>
        _sim.Nodes[sender].Key.Sign(MessageSigning.Bytes(step, Simulation.ChainId, 1, view, hash));
}
