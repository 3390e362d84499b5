using VoteChain.Consensus.Pbft;

namespace VoteChain.Simulation.Tests;

public sealed class NormalCaseTests
{
    [Test]
    public void A_single_validator_commits_alone()
    {
        var sim = new Simulation(seed: 1, validators: 1);
        SimAssert.Reaches(sim, 5, [0], maxTicks: 50);
    }

    [TestCase(4)]
    [TestCase(7)]
    [TestCase(10)]
    public void All_validators_commit_the_same_blocks_with_certificates_that_verify(int validators)
    {
        var sim = new Simulation(seed: validators, validators);
        SimAssert.Reaches(sim, 10, Enumerable.Range(0, validators), maxTicks: 200);

        var first = sim.Nodes[0].Ledger.Blocks;
        foreach (var node in sim.Nodes)
        {
            for (var h = 0; h < 10; h++)
            {
                var block = node.Ledger.Blocks[h];
                Assert.That(block.Block.Hash, Is.EqualTo(first[h].Block.Hash));
                Assert.That(CommitCertificates.Problem(block.Certificate, sim.Validators, Simulation.ChainId, (ulong)h + 1, block.Block.Hash),
                    Is.Null);
                Assert.That(block.Certificate.Signatures, Has.Count.GreaterThanOrEqualTo(sim.Validators.Quorum));
            }
        }
    }

    [Test]
    public void A_certificate_with_too_few_or_forged_signatures_does_not_verify()
    {
        var sim = new Simulation(seed: 3, validators: 4);
        SimAssert.Reaches(sim, 1, [0], maxTicks: 50);
        var block = sim.Nodes[0].Ledger.Blocks[0];
        var hash = block.Block.Hash;

        var short_ = block.Certificate.Clone();
        while (short_.Signatures.Count >= sim.Validators.Quorum)
        {
            short_.Signatures.RemoveAt(0);
        }

        Assert.That(CommitCertificates.Problem(short_, sim.Validators, Simulation.ChainId, 1, hash), Does.Contain("quorum"));

        var forged = block.Certificate.Clone();
        forged.Signatures[0].Signature = Google.Protobuf.ByteString.CopyFrom(new byte[64]);
        Assert.That(CommitCertificates.Problem(forged, sim.Validators, Simulation.ChainId, 1, hash), Does.Contain("does not verify"));

        var twice = block.Certificate.Clone();
        twice.Signatures[1] = twice.Signatures[0].Clone();
        Assert.That(CommitCertificates.Problem(twice, sim.Validators, Simulation.ChainId, 1, hash), Does.Contain("twice"));

        Assert.That(CommitCertificates.Problem(block.Certificate, sim.Validators, "other-chain", 1, hash), Is.Not.Null);
        Assert.That(CommitCertificates.Problem(block.Certificate, sim.Validators, Simulation.ChainId, 2, hash), Is.Not.Null);
    }

    [Test]
    public void An_idle_chain_does_not_grow()
    {
        var sim = new Simulation(seed: 4, validators: 4, busy: false);
        sim.RunUntil(() => false, 300);

        Assert.That(Enumerable.Range(0, 4).Select(sim.HeightOf), Is.All.EqualTo(0UL));
        Assert.That(Enumerable.Range(0, 4).Select(n => sim.Engine(n).View), Is.All.EqualTo(0UL), "no view changes while idle");

        sim.SetBusy(true);
        SimAssert.Reaches(sim, 2, Enumerable.Range(0, 4), maxTicks: 50);
    }

    [Test]
    public void With_a_block_interval_an_idle_chain_makes_empty_blocks_at_that_pace()
    {
        var sim = new Simulation(seed: 5, validators: 4, configure: c => c with { BlockIntervalTicks = 25 }, busy: false);
        sim.RunUntil(() => false, 260);

        Assert.That(sim.HeightOf(0), Is.InRange(8UL, 10UL));
        Assert.That(sim.Nodes[0].Ledger.Blocks.All(b => b.Block.Block.Transactions.Count == 0), Is.True);
        SimAssert.NoViolations(sim);
    }
}
