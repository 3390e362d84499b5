namespace VoteChain.Storage.Tests;

/// <summary>
/// A fresh temporary root per test holding the data folder (and any copies a test makes), removed afterwards
/// together with every store the test left open.
/// </summary>
public abstract class StoreFixture
{
    private readonly List<ChainStore> _open = [];

    protected string Root { get; private set; } = "";

    /// <summary>A chain restarted for every test, since NUnit reuses one fixture instance across its tests.</summary>
    protected TestChain Chain { get; private set; } = new();

    /// <summary>The data folder; not created, so that opening it is the first thing to touch it.</summary>
    protected string Folder => Path.Combine(Root, "data");

    [SetUp]
    public void CreateRoot()
    {
        Root = Path.Combine(Path.GetTempPath(), "votechain-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Chain = new TestChain();
    }

    [TearDown]
    public void DeleteRoot()
    {
        foreach (var store in _open)
        {
            store.Dispose();
        }

        _open.Clear();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Opens a store that TearDown closes; tests still dispose explicitly where a reopen is the point.</summary>
    protected ChainStore Open(string? folder = null, string chainId = TestChain.ChainId, byte[]? genesis = null,
        EvidenceLimits? evidenceLimits = null)
    {
        var store = ChainStore.Open(folder ?? Folder, chainId, genesis ?? TestChain.GenesisHash, evidenceLimits);
        _open.Add(store);
        return store;
    }
}
