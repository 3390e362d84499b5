using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests.Support;

/// <summary>
/// A fresh chain, store and server per test. The chain starts with two blocks: the election
/// <see cref="ApiChain.Election"/> (three options), then the registration of voters 1 to 3.
/// </summary>
public abstract class ApiTestBase
{
    private readonly List<byte[]> _gossiped = [];
    private string _folder = "";
    private ApiChain? _chain;
    private ApiHost? _host;

    private CancellationTokenSource _deadline = new();

    /// <summary>
    /// The submit stream bound the server runs with: a few chunks rather than the production
    /// <see cref="ApiLimits.MaxStreamEnvelopes"/>, so the test of the bound stays quick.
    /// </summary>
    protected static int MaxStreamEnvelopes => (3 * ApiLimits.StreamChunkEnvelopes) + 7;

    internal ApiChain Chain => _chain!;

    /// <summary>The node's clock as the service sees it; it starts before the chain's block times.</summary>
    internal ManualClock NodeClock { get; private set; } = new();

    protected VoteChainApi.VoteChainApiClient Client => _host!.Client;

    /// <summary>Envelopes the service handed on for gossip.</summary>
    protected IReadOnlyList<byte[]> Gossiped
    {
        get
        {
            lock (_gossiped)
            {
                return _gossiped.ToList();
            }
        }
    }

    /// <summary>Fires 30 seconds into the test: calls and stream reads take it so that a failing test cannot hang.</summary>
    protected CancellationToken Deadline => _deadline.Token;

    /// <summary>How long the node under test lets a tally stream run (the node's default unless a test class says otherwise).</summary>
    protected virtual TimeSpan StreamLifetime => TimeSpan.FromMinutes(10);

    [SetUp]
    public async Task StartNode()
    {
        _deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        lock (_gossiped)
        {
            // NUnit runs every test of a fixture on one instance.
            _gossiped.Clear();
        }

        _folder = Path.Combine(Path.GetTempPath(), "votechain-api-tests", Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        NodeClock = new ManualClock();
        var service = new ApiService(Chain.Store, Chain.Mempool, Chain.Events, new StoreStatusSource(Chain.Store), (envelope, _) =>
        {
            lock (_gossiped)
            {
                _gossiped.Add(envelope);
            }
        })
        {
            MaxStreamEnvelopes = MaxStreamEnvelopes,
            Clock = NodeClock,
            StreamLifetime = StreamLifetime,
        };
        _host = await ApiHost.StartAsync(service);

        Chain.Commit(Chain.CreateElection());
        Chain.Commit(Chain.Register(ApiChain.Election, Chain.Voter(1), Chain.Voter(2), Chain.Voter(3)));
    }

    [TearDown]
    public async Task StopNode()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _chain?.Dispose();
        _deadline.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
