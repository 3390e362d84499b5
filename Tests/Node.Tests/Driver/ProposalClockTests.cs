using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Networking.Mempool;
using VoteChain.Node.Driver;
using VoteChain.Node.Genesis;
using VoteChain.Node.Tests.Trustee;
using VoteChain.Storage;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Node.Tests.Driver;

/// <summary>
/// A proposal's block time is judged against the moment it reached the node, not the moment a busy node got round to
/// it (the 1,000,000-vote run waited for a view change at every height). The drift bound itself still holds.
/// </summary>
public sealed class ProposalClockTests
{
    private const string ChainId = "proposal-clock-test";

    private TempFolder _temp = null!;
    private ChainStore _store = null!;
    private ManualClock _clock = null!;
    private ChainExecutor _executor = null!;
    private Ed25519KeyPair _validator = null!;
    private long _drift;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _clock = new ManualClock();
        _validator = Ed25519KeyPair.Generate();
        var genesis = new Protos.V1.Genesis
        {
            ChainId = ChainId,
            GenesisTimeUnixMs = 1,
            Params = GenesisDefaults.Params(),
            Validators = { new Protos.V1.ValidatorInfo { Name = "v0", PublicKey = ByteString.CopyFrom(_validator.PublicKey), Endpoint = "http://127.0.0.1:1" } },
        };
        _drift = genesis.Params.MaxClockDriftMs;
        _store = ChainStore.Open(Path.Combine(_temp.Path, "data"), ChainId, GenesisHash.Of(genesis));
        var chain = new ChainContext(genesis);
        var mempool = new MempoolPool(ChainId, chain.Rules, _store, () => new BlockContext(_store.Height + 1, _clock.GetUtcNow().ToUnixTimeMilliseconds()),
            new MempoolLimits());
        _executor = new ChainExecutor(chain, _store, mempool, new FetchedTransactions(chain), _clock, NullLogger.Instance);
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        _validator.Dispose();
        _temp.Dispose();
    }

    private ParsedBlock BlockAt(long timeUnixMs) =>
        BlockCodec.Build(ChainId, 1, _store.HeadHash, timeUnixMs, 0, [], [], StateRoot.Next(_store.StateRoot, 1, []));

    [Test]
    public void A_proposal_fresh_when_it_arrived_is_not_stale_for_the_time_the_node_took_to_get_to_it()
    {
        var arrived = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var block = BlockAt(arrived - 100);
        _clock.Advance(TimeSpan.FromMilliseconds((2 * _drift) + 1_000));

        Assert.That(_executor.Problem(block, ProposalCheck.Fresh), Does.Contain("behind this validator's clock"), "judged now, it looks stale");

        _executor.JudgingAtUnixMs = arrived;
        Assert.That(_executor.Problem(block, ProposalCheck.Fresh), Is.Null, "judged at its arrival, it was fresh");
    }

    [Test]
    public void The_drift_bound_still_holds_at_the_moment_of_arrival()
    {
        var arrived = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        _executor.JudgingAtUnixMs = arrived;

        Assert.That(_executor.Problem(BlockAt(arrived - _drift - 1), ProposalCheck.Fresh), Does.Contain("behind this validator's clock"));
        Assert.That(_executor.Problem(BlockAt(arrived + _drift + 1), ProposalCheck.Fresh), Does.Contain("ahead of this validator's clock"));
    }
}
