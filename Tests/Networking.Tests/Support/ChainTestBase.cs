using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;

namespace VoteChain.Networking.Tests.Support;

/// <summary>A fresh chain on real RocksDB in a temp folder per test, holding the election <see cref="ApiChain.Election"/>.</summary>
public abstract class ChainTestBase
{
    private string _folder = null!;
    private ApiChain? _chain;

    internal ApiChain Chain => _chain!;

    [SetUp]
    public void CreateChain()
    {
        _folder = Path.Combine(Path.GetTempPath(), "votechain-chain-" + Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        _chain.Commit(_chain.CreateElection());
    }

    [TearDown]
    public void DeleteChain()
    {
        _chain?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A mempool of its own over the chain's store, judging at the next height's time.</summary>
    internal Mempool.Mempool Pool(MempoolLimits limits) => new(ApiChain.ChainId, Chain.Rules, Chain.Store,
        () => new BlockContext(Chain.Store.Height + 1, ApiChain.TimeOf(Chain.Store.Height + 1)), limits);
}
