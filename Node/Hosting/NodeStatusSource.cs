using Google.Protobuf;
using VoteChain.Networking.Api;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Peers;
using VoteChain.Node.Driver;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Node.Hosting;

/// <summary>The live status the public API reports, gathered from the parts that know it.</summary>
internal sealed class NodeStatusSource : INodeStatusSource
{
    private readonly ChainContext _chain;
    private readonly NodeOptions _options;
    private readonly ChainStore _store;
    private readonly Mempool _mempool;
    private readonly PeerNetwork _peers;
    private readonly ConsensusDriver _driver;
    private readonly BlockSyncer _syncer;
    private readonly bool _validator;

    public NodeStatusSource(ChainContext chain, NodeOptions options, ChainStore store, Mempool mempool, PeerNetwork peers,
        ConsensusDriver driver, BlockSyncer syncer, bool validator)
    {
        _chain = chain;
        _options = options;
        _store = store;
        _mempool = mempool;
        _peers = peers;
        _driver = driver;
        _syncer = syncer;
        _validator = validator;
    }

    public NodeStatus Current()
    {
        var head = _store.Head;
        var status = new NodeStatus
        {
            ChainId = _chain.ChainId,
            Role = _validator && _driver.IsSigning ? "validator" : "observer",
            Name = _options.Name,
            Height = head.Height,
            HeadHash = ByteString.CopyFrom(head.Hash),
            Syncing = _syncer.Syncing,
            MempoolSize = (uint)_mempool.Count,
            GenesisHash = ByteString.CopyFrom(_chain.GenesisHash),
            View = _driver.View,
        };
        status.Peers.AddRange(_peers.Describe());
        return status;
    }
}
