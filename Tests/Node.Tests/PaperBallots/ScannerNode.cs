using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>
/// A real node for `ballots print|scan` to talk to: a RocksDB chain in a temp folder and its gRPC API on 127.0.0.1.
/// Accepted transactions are committed at once, so the scanner's wait for its vote ends.
/// </summary>
internal sealed class ScannerNode : IAsyncDisposable
{
    private ScannerNode(TempFolder temp, ApiChain chain, ApiHost host) => (Temp, Chain, Host) = (temp, chain, host);

    public TempFolder Temp { get; }

    public ApiChain Chain { get; }

    public ApiHost Host { get; }

    public static async Task<ScannerNode> StartAsync()
    {
        var temp = new TempFolder();
        var chain = new ApiChain(temp.File("chain"));
        var host = await ApiHost.StartAsync(new ApiService(chain.Store, chain.Mempool, chain.Events, new StoreStatusSource(chain.Store),
            (envelope, _) => chain.Commit(envelope)));
        return new ScannerNode(temp, chain, host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Chain.Dispose();
        Temp.Dispose();
    }
}
