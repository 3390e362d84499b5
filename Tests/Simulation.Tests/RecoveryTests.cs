using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation.Tests;

public sealed class RecoveryTests
{
    [Test]
    public void A_restarted_validator_refuses_to_prepare_a_conflicting_proposal_at_a_point_it_signed()
    {
        var sim = new Simulation(seed: 31, validators: 4, busy: false);
        var primary = sim.Validators.Primary(1, 0);
        var replica = (primary + 1) % 4;
        var prepares = new List<PhaseVote>();
        sim.OnEmit = (node, message) =>
        {
            if (node.Index == replica && message.KindCase == ConsensusMessage.KindOneofCase.PhaseVote && message.PhaseVote.Kind == PhaseVoteKind.Prepare)
            {
                prepares.Add(message.PhaseVote);
            }
        };
        sim.SetBusy(true);
        sim.RunUntil(() => prepares.Count > 0, 20);
        Assert.That(prepares, Has.Count.EqualTo(1));
        var signedHash = prepares[0].BlockHash;

        sim.Crash(replica);
        sim.Restart(replica);
        sim.Deliver(replica, new ConsensusMessage { PrePrepare = ForgedProposal(sim, primary, height: 1, view: 0) });

        Assert.That(prepares.Where(p => p.Height == 1 && p.View == 0).Select(p => p.BlockHash), Is.All.EqualTo(signedHash),
            "a restarted validator signed a second Prepare at the same height and view");
        SimAssert.Reaches(sim, 3, Enumerable.Range(0, 4), maxTicks: 500);
    }

    [Test]
    public void A_validator_restarted_from_an_older_copy_of_its_blocks_catches_up_without_double_signing()
    {
        var sim = new Simulation(seed: 32, validators: 4);
        SimAssert.Reaches(sim, 6, Enumerable.Range(0, 4), maxTicks: 200);

        sim.Crash(2);
        sim.Restart(2, ledgerHeight: 2);
        Assert.That(sim.HeightOf(2), Is.EqualTo(2UL));

        SimAssert.Reaches(sim, 12, Enumerable.Range(0, 4), maxTicks: 1_000);
    }

    /// <summary>
    /// The data folder is wiped (or an old backup restored) while the height in progress is stuck in a view change; the
    /// sign-state file survives. Once sync brings the validator back to that height it must stand where it stood: in
    /// the view it had asked for, not in view 0 as if it had never signed there.
    /// </summary>
    [Test]
    public void A_validator_whose_blocks_fall_behind_its_sign_state_resumes_its_view_when_it_catches_up()
    {
        var sim = new Simulation(seed: 35, validators: 4);
        SimAssert.Reaches(sim, 4, Enumerable.Range(0, 4), maxTicks: 200);
        const int Wiped = 1;
        const int Witness = 0;
        sim.Crash(2);
        sim.Crash(3);
        var stuck = sim.HeightOf(Witness) + 1;
        sim.RunUntil(() => sim.Nodes[Wiped].Persisted is { View: > 0 } s && s.Height == stuck, 400);
        var persisted = sim.Nodes[Wiped].Persisted!;
        Assert.That((persisted.Height, persisted.View), Is.EqualTo((stuck, 1UL)), "precondition: it asked for view 1 at the stuck height");

        sim.Crash(Wiped);
        sim.Restart(Wiped, ledgerHeight: stuck - 3);
        var caughtUp = sim.RunUntil(() => sim.HeightOf(Wiped) == stuck - 1, 400);

        Assert.That(caughtUp, Is.True, sim.Report);
        Assert.That((sim.Engine(Wiped).Height, sim.Engine(Wiped).View, sim.Engine(Wiped).ViewChanging), Is.EqualTo((stuck, 1UL, true)),
            "back at the height it had signed at, it must resume the view it had asked for");
        sim.Restart(2);
        sim.Restart(3);
        SimAssert.Reaches(sim, stuck + 2, Enumerable.Range(0, 4), maxTicks: 1_500);
    }

    [Test]
    public void A_partitioned_validator_catches_up_after_the_partition_heals()
    {
        var sim = new Simulation(seed: 33, validators: 4);
        sim.Partition([0, 0, 0, 1]);
        sim.RunUntil(() => sim.HeightOf(0) >= 15, 500);
        Assert.That(sim.HeightOf(3), Is.LessThan(5UL));

        sim.Heal();
        var target = sim.HeightOf(0) + 2;
        SimAssert.Reaches(sim, target, Enumerable.Range(0, 4), maxTicks: 500);
    }

    [Test]
    public void With_two_of_four_down_nothing_commits_and_nothing_is_lost_when_they_return()
    {
        var sim = new Simulation(seed: 34, validators: 4);
        SimAssert.Reaches(sim, 3, Enumerable.Range(0, 4), maxTicks: 100);
        sim.Crash(2);
        sim.Crash(3);
        sim.RunUntil(() => false, 20);
        var stuckAt = sim.HeightOf(0);

        sim.RunUntil(() => false, 400);
        Assert.That(sim.HeightOf(0), Is.EqualTo(stuckAt), "two of four cannot commit");
        Assert.That(sim.HeightOf(1), Is.EqualTo(stuckAt));

        sim.Restart(2);
        sim.Restart(3);
        SimAssert.Reaches(sim, stuckAt + 3, Enumerable.Range(0, 4), maxTicks: 1_500);
        var reference = sim.Nodes[0].Ledger.Blocks.Take((int)stuckAt + 3).Select(b => b.Block.Hash).ToList();
        foreach (var node in sim.Nodes)
        {
            Assert.That(node.Ledger.Blocks.Take((int)stuckAt + 3).Select(b => b.Block.Hash), Is.EqualTo(reference));
        }
    }

    private static PrePrepare ForgedProposal(Simulation sim, int primary, ulong height, ulong view)
    {
        var node = sim.Nodes[primary];
        var request = new ProposalRequest(height, view, node.Ledger.HeadHash, (uint)primary);
        var block = SimLedger.Build(Simulation.ChainId, request, sim.Now * Simulation.TickMs + 1, ["forged"u8.ToArray()]);
        return new PrePrepare
        {
            Height = height,
            View = view,
            Block = ByteString.CopyFrom(BlockCodec.WithoutCertificate(block.Block)),
            Sender = (uint)primary,
            Signature = ByteString.CopyFrom(node.Key.Sign(MessageSigning.Bytes(SignStep.PrePrepare, Simulation.ChainId, height, view, block.Hash))),
        };
    }
}
