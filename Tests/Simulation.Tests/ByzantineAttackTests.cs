using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation.Tests;

/// <summary>
/// One scripted run per named attack of the Byzantine catalogue (the ones <c>--faults byz-*</c> draws at random):
/// the honest validators keep finalizing identical blocks, and the drop counters show the attack really reached
/// them and was turned away.
/// </summary>
public sealed class ByzantineAttackTests
{
    [Test]
    public void A_primary_that_swaps_bodies_under_its_genuine_signatures_forges_nothing()
    {
        var sim = new Simulation(seed: 41, validators: 4, busy: false);
        var liar = sim.Validators.Primary(1, 0);
        sim.MakeByzantine(liar, Byzantine.BodySwap);
        sim.SetBusy(true);

        var honest = sim.Honest.ToList();
        SimAssert.Reaches(sim, 6, honest, maxTicks: 3_000);
        Assert.That(honest.Sum(n => sim.Engine(n).Drops.GetValueOrDefault(DropReason.InvalidBody)), Is.GreaterThan(0),
            "the forged bodies reached the honest validators");
    }

    [Test]
    public void A_validator_asking_for_views_it_leads_cannot_steer_or_halt_the_others()
    {
        var sim = new Simulation(seed: 42, validators: 4, busy: false);
        var liar = sim.Validators.Primary(1, 1);
        sim.MakeByzantine(liar, Byzantine.ViewSteer);
        var steering = 0;
        sim.Network.Filter = (from, _, message) =>
        {
            steering += from == liar && message.KindCase == ConsensusMessage.KindOneofCase.ViewChange && message.ViewChange.NewView > 8 ? 1 : 0;
            return true;
        };
        sim.SetBusy(true);

        var honest = sim.Honest.ToList();
        SimAssert.Reaches(sim, 10, honest, maxTicks: 3_000);
        Assert.That(steering, Is.GreaterThan(0), "the liar asked for views far ahead");
        // Ten heights with one liar among four: an honest view changes at most a few times a height, never 64 ahead.
        Assert.That(honest.Max(n => sim.Engine(n).View), Is.LessThan(8UL), "views did not run away");
    }

    [Test]
    public void A_peer_that_serves_junk_bodies_under_real_certificates_is_refused_and_set_aside()
    {
        var sim = new Simulation(seed: 43, validators: 4);
        var liar = 1;
        var behind = 3;
        sim.MakeByzantine(liar, Byzantine.LyingSync);
        sim.Crash(behind);
        SimAssert.Reaches(sim, 8, [0, 2], maxTicks: 3_000);

        sim.Restart(behind);
        SimAssert.Reaches(sim, 10, [0, 2, behind], maxTicks: 3_000);
        Assert.That(sim.RefusedFetches, Is.GreaterThan(0), "the junk was served and refused");
        Assert.That(sim.Nodes[behind].DemotedUntil.ContainsKey(liar), Is.True, "the liar was set aside");
    }

    [Test]
    public void A_primary_that_backdates_or_postdates_blocks_is_refused()
    {
        var sim = new Simulation(seed: 44, validators: 4, busy: false);
        var liar = sim.Validators.Primary(1, 0);
        sim.MakeByzantine(liar, Byzantine.TimeSkew);
        // An idle chain first, so that "just after the parent" is far behind every honest clock.
        sim.RunUntil(() => false, 200);
        sim.SetBusy(true);

        var honest = sim.Honest.ToList();
        SimAssert.Reaches(sim, 8, honest, maxTicks: 3_000);
        Assert.That(honest.Sum(n => sim.Engine(n).Drops.GetValueOrDefault(DropReason.InvalidProposal)), Is.GreaterThan(0),
            "the skewed proposals reached the honest validators");
        // Every proposal of the liar is skewed, so none of its blocks may finalize.
        Assert.That(sim.Nodes[honest[0]].Ledger.Blocks.Select(b => b.Block.Header.ProposerIndex), Has.None.EqualTo((uint)liar));
    }
}
