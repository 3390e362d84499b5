using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation.Tests;

/// <summary>Messages an engine must ignore are dropped, counted by reason, and change nothing.</summary>
public sealed class DropTests
{
    private Simulation _sim = null!;
    private PbftEngine _engine = null!;

    [SetUp]
    public void SetUp()
    {
        _sim = new Simulation(seed: 41, validators: 4, busy: false);
        _engine = _sim.Engine(0);
    }

    private PhaseVote SignedPhaseVote(int sender, ulong height, ulong view, PhaseVoteKind kind = PhaseVoteKind.Prepare)
    {
        var hash = Hashing.Sha256("some block"u8);
        var key = _sim.Nodes[sender].Key;
        var step = kind == PhaseVoteKind.Commit ? SignStep.Commit : SignStep.Prepare;
        return new PhaseVote
        {
            Kind = kind,
            Height = height,
            View = view,
            BlockHash = ByteString.CopyFrom(hash),
            Sender = (uint)sender,
            Signature = ByteString.CopyFrom(key.Sign(MessageSigning.Bytes(step, Simulation.ChainId, height, view, hash))),
        };
    }

    private void AssertDropped(ConsensusMessage message, DropReason reason)
    {
        var before = _engine.Drops.GetValueOrDefault(reason);
        var output = _engine.Step(new MessageReceived(message));

        Assert.That(_engine.Drops.GetValueOrDefault(reason), Is.EqualTo(before + 1), reason.ToString());
        Assert.That(output.Messages, Is.Empty);
        Assert.That(output.Persist, Is.Null);
        Assert.That((_engine.Height, _engine.View, _engine.ViewChanging), Is.EqualTo((1UL, 0UL, false)));
    }

    [Test]
    public void A_message_of_no_kind_is_malformed() => AssertDropped(new ConsensusMessage(), DropReason.Malformed);

    [Test]
    public void A_message_naming_a_non_validator_is_dropped()
    {
        var vote = SignedPhaseVote(1, 1, 0);
        vote.Sender = 9;
        AssertDropped(new ConsensusMessage { PhaseVote = vote }, DropReason.NotValidator);
    }

    [Test]
    public void A_message_with_a_bad_signature_is_dropped()
    {
        var vote = SignedPhaseVote(1, 1, 0);
        vote.Signature = ByteString.CopyFrom(new byte[64]);
        AssertDropped(new ConsensusMessage { PhaseVote = vote }, DropReason.BadSignature);
    }

    [Test]
    public void A_vote_signed_by_another_validator_than_it_names_is_a_bad_signature()
    {
        var vote = SignedPhaseVote(1, 1, 0);
        vote.Sender = 2;
        AssertDropped(new ConsensusMessage { PhaseVote = vote }, DropReason.BadSignature);
    }

    [Test]
    public void A_vote_for_a_far_future_view_is_dropped() =>
        AssertDropped(new ConsensusMessage { PhaseVote = SignedPhaseVote(1, 1, 1_000) }, DropReason.FarFutureView);

    [Test]
    public void A_message_for_an_old_height_is_dropped()
    {
        var sim = new Simulation(seed: 42, validators: 4);
        sim.RunUntil(() => sim.HeightOf(0) >= 3, 200);
        _sim = sim;
        _engine = sim.Engine(0);
        var before = _engine.Drops.GetValueOrDefault(DropReason.OldHeight);
        var height = _engine.Height;

        _engine.Step(new MessageReceived(new ConsensusMessage { PhaseVote = SignedPhaseVote(1, 1, 0) }));

        Assert.That(_engine.Drops.GetValueOrDefault(DropReason.OldHeight), Is.EqualTo(before + 1));
        Assert.That(_engine.Height, Is.EqualTo(height));
    }

    [Test]
    public void A_proposal_from_a_validator_that_is_not_the_primary_is_dropped()
    {
        var notPrimary = (_sim.Validators.Primary(1, 0) + 1) % 4;
        var request = new ProposalRequest(1, 0, _sim.Nodes[0].Ledger.HeadHash, (uint)notPrimary);
        var block = SimLedger.Build(Simulation.ChainId, request, 1, ["tx"u8.ToArray()]);
        var prePrepare = new PrePrepare
        {
            Height = 1,
            View = 0,
            Block = ByteString.CopyFrom(Consensus.Chain.BlockCodec.WithoutCertificate(block.Block)),
            Sender = (uint)notPrimary,
            Signature = ByteString.CopyFrom(_sim.Nodes[notPrimary].Key.Sign(
                MessageSigning.Bytes(SignStep.PrePrepare, Simulation.ChainId, 1, 0, block.Hash))),
        };
        AssertDropped(new ConsensusMessage { PrePrepare = prePrepare }, DropReason.NotPrimary);
    }
}
