using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Node.Driver;

namespace VoteChain.Node.Tests.Driver;

/// <summary>
/// A proposal's block time is judged against the moment it reached the node, not the moment a busy node got round to
/// it (the 1,000,000-vote run waited for a view change at every height). The drift bound itself still holds.
/// </summary>
public sealed class ProposalClockTests
{
    private OneValidatorChain _chain = null!;
    private long _drift;

    [SetUp]
    public void SetUp()
    {
        _chain = new OneValidatorChain("proposal-clock-test");
        _drift = _chain.Genesis.Params.MaxClockDriftMs;
    }

    [TearDown]
    public void TearDown() => _chain.Dispose();

    private ParsedBlock BlockAt(long timeUnixMs) =>
        BlockCodec.Build(_chain.ChainId, 1, _chain.Store.HeadHash, timeUnixMs, 0, [], [], BlockTreeChanges.Apply(_chain.Store, 1, [], []).NewRoot);

    [Test]
    public void A_proposal_fresh_when_it_arrived_is_not_stale_for_the_time_the_node_took_to_get_to_it()
    {
        var arrived = _chain.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var block = BlockAt(arrived - 100);
        _chain.Clock.Advance(TimeSpan.FromMilliseconds((2 * _drift) + 1_000));

        Assert.That(_chain.Executor.Problem(block, ProposalCheck.Fresh), Does.Contain("behind this validator's clock"), "judged now, it looks stale");

        _chain.Executor.JudgingAtUnixMs = arrived;
        Assert.That(_chain.Executor.Problem(block, ProposalCheck.Fresh), Is.Null, "judged at its arrival, it was fresh");
    }

    [Test]
    public void The_drift_bound_still_holds_at_the_moment_of_arrival()
    {
        var arrived = _chain.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        _chain.Executor.JudgingAtUnixMs = arrived;

        Assert.That(_chain.Executor.Problem(BlockAt(arrived - _drift - 1), ProposalCheck.Fresh), Does.Contain("behind this validator's clock"));
        Assert.That(_chain.Executor.Problem(BlockAt(arrived + _drift + 1), ProposalCheck.Fresh), Does.Contain("ahead of this validator's clock"));
    }
}
