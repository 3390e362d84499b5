using VoteChain.Consensus.Chain;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation.Tests;

public sealed class ViewChangeTests
{
    private static readonly int[] Replicas = [0, 2, 3];

    [Test]
    public void A_primary_that_crashes_before_proposing_is_replaced_by_a_view_change()
    {
        var sim = new Simulation(seed: 11, validators: 4, busy: false);
        var primary = sim.Validators.Primary(1, 0);
        sim.Crash(primary);
        sim.SetBusy(true);

        SimAssert.Reaches(sim, 3, Enumerable.Range(0, 4).Where(n => n != primary), maxTicks: 300);
        var first = sim.Nodes[(primary + 1) % 4].Ledger.Blocks[0];
        Assert.That(first.Certificate.View, Is.GreaterThanOrEqualTo(1UL), "height 1 needed a new view");
    }

    [Test]
    public void A_primary_that_crashes_right_after_proposing_does_not_stop_the_others()
    {
        var sim = new Simulation(seed: 12, validators: 4, busy: false);
        var primary = sim.Validators.Primary(1, 0);
        var proposed = false;
        sim.OnEmit = (node, message) => proposed |= node.Index == primary && message.KindCase == ConsensusMessage.KindOneofCase.PrePrepare;
        sim.SetBusy(true);
        Assert.That(proposed, Is.True);
        sim.Crash(primary);

        var others = Enumerable.Range(0, 4).Where(n => n != primary).ToList();
        SimAssert.Reaches(sim, 4, others, maxTicks: 400);
    }

    [Test]
    public void A_block_prepared_but_not_committed_survives_the_view_change()
    {
        var sim = new Simulation(seed: 13, validators: 4, busy: false);
        byte[]? proposed = null;
        sim.OnEmit = (node, message) =>
        {
            if (message.KindCase == ConsensusMessage.KindOneofCase.PrePrepare && message.PrePrepare.Height == 1 && message.PrePrepare.View == 0)
            {
                proposed = BlockCodec.Parse(message.PrePrepare.Block.Span).Value!.Hash;
            }
        };
        // Every Commit of view 0 at height 1 is lost: validators prepare the block but cannot commit it there.
        sim.Network.Filter = (_, _, message) =>
            !(message.KindCase == ConsensusMessage.KindOneofCase.PhaseVote && message.PhaseVote.Kind == PhaseVoteKind.Commit
              && message.PhaseVote.Height == 1 && message.PhaseVote.View == 0);
        sim.SetBusy(true);

        SimAssert.Reaches(sim, 1, Enumerable.Range(0, 4), maxTicks: 400);
        var committed = sim.Nodes[0].Ledger.Blocks[0];
        Assert.That(proposed, Is.Not.Null);
        Assert.That(committed.Certificate.View, Is.GreaterThanOrEqualTo(1UL), "committed in a later view");
        Assert.That(committed.Block.Hash, Is.EqualTo(proposed), "the prepared block, not a new one, was committed");
    }

    [Test]
    public void An_equivocating_primary_makes_no_fork_and_leaves_evidence()
    {
        var sim = new Simulation(seed: 14, validators: 4, busy: false);
        var liar = sim.Validators.Primary(1, 0);
        sim.MakeByzantine(liar, Byzantine.EquivocatingPrimary);
        sim.SetBusy(true);

        SimAssert.Reaches(sim, 6, sim.Honest, maxTicks: 1_000);
        Assert.That(sim.EvidenceCount, Is.GreaterThan(0));
    }

    [TestCase(Byzantine.ConflictingVotes)]
    [TestCase(Byzantine.BadSignatures)]
    [TestCase(Byzantine.ReplayOld)]
    [TestCase(Byzantine.InvalidBlocks)]
    [TestCase(Byzantine.Silent)]
    public void One_byzantine_validator_of_four_cannot_stop_or_fork_the_others(Byzantine behavior)
    {
        var sim = new Simulation(seed: 15 + (int)behavior, validators: 4, busy: false);
        sim.MakeByzantine(1, behavior);
        sim.SetBusy(true);

        SimAssert.Reaches(sim, 8, sim.Honest, maxTicks: 1_500);
    }

    [Test]
    public void Two_of_seven_byzantine_validators_cannot_stop_or_fork_the_others()
    {
        var sim = new Simulation(seed: 21, validators: 7, busy: false);
        sim.MakeByzantine(1, Byzantine.EquivocatingPrimary);
        sim.MakeByzantine(2, Byzantine.ConflictingVotes);
        sim.SetBusy(true);

        SimAssert.Reaches(sim, 8, sim.Honest, maxTicks: 2_000);
    }

    [Test]
    public void A_replica_joins_a_later_view_when_f_plus_1_validators_ask_for_it()
    {
        var sim = new Simulation(seed: 22, validators: 4, busy: false);
        // Nodes 1 and 2 time out alone (their links to 0 and 3 are cut), then f+1 = 2 view changes reach node 0.
        sim.Partition([0, 1, 1, 0]);
        sim.SetBusy(true);
        sim.RunUntil(() => sim.Engine(1).View >= 2 && sim.Engine(2).View >= 2, 500);
        var node0Before = sim.Engine(0).View;
        sim.Heal();

        var joined = sim.RunUntil(() => sim.Engine(0).View > node0Before || sim.HeightOf(0) > 0, 200);
        Assert.That(joined, Is.True, sim.Report);
        SimAssert.Reaches(sim, 3, Enumerable.Range(0, 4), maxTicks: 1_000);
    }
}
