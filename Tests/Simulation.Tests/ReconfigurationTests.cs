using Google.Protobuf;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation.Tests;

/// <summary>
/// The engine following the validator set (docs/GOVERNANCE.md): sets grow, shrink and rotate at the planned heights on
/// every node alike, certificates are by each height's set, new validators sign once in force, and a key that left the
/// set is never counted again.
/// </summary>
public sealed class ReconfigurationTests
{
    private const ulong Delay = GovernanceRules.ActivationDelay;

    [Test]
    public void Four_grow_to_seven_rotate_one_key_and_lose_one_while_every_node_agrees()
    {
        // Nodes 4, 5, 6 are spares that follow from the start.
        PlannedChange[] plan =
        [
            new(3, MembershipOp.Add, 4),
            new(7, MembershipOp.Add, 5),
            new(11, MembershipOp.Add, 6),
            new(15, MembershipOp.Rotate, 1),
            new(19, MembershipOp.Remove, 2),
        ];
        var sim = new Simulation(seed: 11, validators: 4, spares: 3, changes: plan);
        SimAssert.Reaches(sim, 40, Enumerable.Range(0, 7), maxTicks: 3_000);

        Assert.That(sim.Schedule.Sets.Select(s => (s.From, s.Set.Count)),
            Is.EqualTo(new[] { (1UL, 4), (3 + Delay, 5), (7 + Delay, 6), (11 + Delay, 7), (15 + Delay, 7), (19 + Delay, 6) }));
        var blocks = sim.Nodes[0].Ledger.Blocks;
        foreach (var node in sim.Nodes)
        {
            Assert.That(node.Ledger.Blocks.Take(40).Select(b => b.Block.Hash), Is.EqualTo(blocks.Take(40).Select(b => b.Block.Hash)),
                $"node {node.Index} agrees on every block");
        }

        for (var height = 1UL; height <= 40; height++)
        {
            var block = blocks[(int)height - 1];
            var set = sim.Schedule.At(height);
            Assert.That(CommitCertificates.Problem(block.Certificate, set, Simulation.ChainId, height, block.Block.Hash), Is.Null,
                $"height {height} is certified by the set in force there");
            var signers = block.Certificate.Signatures.Select(s => set.PublicKey((int)s.ValidatorIndex).ToArray()).ToList();
            Assert.That(signers.Any(k => k.AsSpan().SequenceEqual(sim.Nodes[1].Key.PublicKey)), Is.EqualTo(false).Or.EqualTo(height < 15 + Delay),
                "the rotated-out key signs nothing from the rotation on");
            Assert.That(signers.Any(k => k.AsSpan().SequenceEqual(sim.Nodes[2].Key.PublicKey)), Is.EqualTo(false).Or.EqualTo(height < 19 + Delay),
                "the removed key signs nothing from the removal on");
        }

        // A quorum of 5 out of 7 needs a newcomer's commit: the newcomers really sign once in force.
        var late = blocks[(int)(11 + Delay)];
        var lateSet = sim.Schedule.At(late.Height);
        Assert.That(late.Certificate.Signatures.Select(s => lateSet.PublicKey((int)s.ValidatorIndex).ToArray()),
            Has.Some.Matches<byte[]>(k => new[] { 4, 5, 6 }.Any(n => k.AsSpan().SequenceEqual(sim.Nodes[n].Key.PublicKey))));
        Assert.That(sim.Engine(2).Index, Is.Null, "the removed node follows as an observer");
        Assert.That(sim.Engine(1).Index, Is.EqualTo(1u), "the rotated node keeps its index with its new key");
    }

    [Test]
    public void A_retired_key_signature_at_a_later_height_is_dropped_by_every_engine()
    {
        PlannedChange[] plan = [new(3, MembershipOp.Rotate, 3)];
        var sim = new Simulation(seed: 12, validators: 4, changes: plan);
        SimAssert.Reaches(sim, 3 + Delay + 2, Enumerable.Range(0, 4), maxTicks: 1_000);

        var height = sim.Engine(0).Height;
        var hash = new byte[32];
        var byOldKey = new PhaseVote
        {
            Kind = PhaseVoteKind.Prepare, Height = height, View = 0, BlockHash = ByteString.CopyFrom(hash), Sender = 3,
            Signature = ByteString.CopyFrom(sim.Nodes[3].Key.Sign(MessageSigning.Bytes(SignStep.Prepare, Simulation.ChainId, height, 0, hash))),
        };
        var before = sim.Engine(0).Drops.GetValueOrDefault(DropReason.BadSignature);
        sim.Deliver(0, new ConsensusMessage { PhaseVote = byOldKey });

        Assert.That(sim.Engine(0).Drops.GetValueOrDefault(DropReason.BadSignature), Is.EqualTo(before + 1),
            "index 3 is the new key's now: the old key's signature does not verify");
    }

    [Test]
    public void A_new_validator_signs_nothing_before_its_activation_height()
    {
        PlannedChange[] plan = [new(4, MembershipOp.Add, 4)];
        var sim = new Simulation(seed: 13, validators: 4, spares: 1, changes: plan);
        var early = new List<ulong>();
        sim.OnEmit = (node, message) =>
        {
            if (node.Index == 4 && message.PhaseVote is { } vote)
            {
                early.Add(vote.Height);
            }
        };
        SimAssert.Reaches(sim, 4 + Delay + 3, Enumerable.Range(0, 5), maxTicks: 1_500);

        Assert.That(early, Is.Not.Empty, "it votes once in force");
        Assert.That(early.Min(), Is.GreaterThanOrEqualTo(4 + Delay));
    }

    [Test]
    public void A_proposal_whose_header_omits_or_forges_the_approved_change_is_refused()
    {
        PlannedChange[] plan = [new(2, MembershipOp.Add, 4)];
        var sim = new Simulation(seed: 14, validators: 4, spares: 1, changes: plan);
        var approving = sim.Governance.ChangeFor(2)!;

        var forged = approving.Clone();
        forged.PublicKeys[4] = ByteString.CopyFrom(new byte[32]);
        foreach (var header in new ValidatorChange?[] { null, forged })
        {
            var block = Consensus.Chain.BlockCodec.Build(Simulation.ChainId, 2, new byte[32], 1, 0, [], [], new byte[32], header);
            Assert.That(sim.Governance.Problem(block), Is.Not.Null);
        }

        var carried = Consensus.Chain.BlockCodec.Build(Simulation.ChainId, 2, new byte[32], 1, 0, [], [], new byte[32], approving);
        Assert.That(sim.Governance.Problem(carried), Is.Null);
        var stray = Consensus.Chain.BlockCodec.Build(Simulation.ChainId, 3, new byte[32], 1, 0, [], [], new byte[32], approving);
        Assert.That(sim.Governance.Problem(stray), Is.Not.Null, "a change carried where none was approved");
    }
}
