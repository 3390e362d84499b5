namespace VoteChain.Simulation.Tests;

public sealed class RandomSeedTests
{
    /// <summary>
    /// Every fourth seed also changes the validator set while the faults run (its runs cost about three times as much:
    /// two more nodes, larger sets); the long sweep, `--faults all`, reconfigures in every run.
    /// </summary>
    [Test]
    public void Two_hundred_random_seeds_with_every_fault_keep_safety_and_liveness()
    {
        var summary = new SweepSummary();
        for (var seed = 1; seed <= 200; seed++)
        {
            var run = new RandomRun(seed, seed % 2 == 0 ? 4 : 7, seed % 4 == 0 ? Faults.All : Faults.All & ~Faults.Reconfigure);
            var result = run.Execute();
            summary.Add(result);
            Assert.That(result.Violations, Is.Empty, () => run.Simulation.Report());
            Assert.That(result.Stalled, Is.False, () => $"stall{Environment.NewLine}{run.Simulation.Report()}");
        }

        TestContext.Out.WriteLine(summary);
        Assert.That(summary.CommittedHeights, Is.GreaterThan(1_000UL), "runs must actually commit");
        Assert.That(summary.MembershipChanges, Is.GreaterThan(50), "the reconfiguring runs must actually change the set");
    }

    [Test]
    public void The_same_seed_replays_the_same_run()
    {
        var first = new RandomRun(77, 7, Faults.All).Execute();
        var second = new RandomRun(77, 7, Faults.All).Execute();
        Assert.That(second.CommittedHeights, Is.EqualTo(first.CommittedHeights));
        Assert.That(second.Ticks, Is.EqualTo(first.Ticks));
    }
}
