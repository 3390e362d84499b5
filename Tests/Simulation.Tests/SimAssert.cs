namespace VoteChain.Simulation.Tests;

internal static class SimAssert
{
    /// <summary>Runs until every listed node reaches the height; fails with the seed and trace otherwise.</summary>
    public static void Reaches(Simulation sim, ulong height, IEnumerable<int> nodes, long maxTicks = 2_000)
    {
        var list = nodes.ToList();
        var reached = sim.RunUntil(() => list.All(n => sim.HeightOf(n) >= height), maxTicks);
        Assert.That(sim.Violations, Is.Empty, sim.Report);
        Assert.That(reached, Is.True, () => $"nodes {string.Join(",", list)} did not reach height {height}: " +
            $"{string.Join(",", list.Select(n => sim.HeightOf(n)))}{Environment.NewLine}{sim.Report()}");
    }

    public static void NoViolations(Simulation sim) => Assert.That(sim.Violations, Is.Empty, sim.Report);
}
