using Google.Protobuf;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Networking.Tests.Support;

/// <summary>The status of a node that only serves its store: an observer that is never syncing and has no peers.</summary>
internal sealed class StoreStatusSource(ChainStore store) : INodeStatusSource
{
    public NodeStatus Current()
    {
        var head = store.Head;
        return new NodeStatus
        {
            ChainId = ApiChain.ChainId,
            Role = "observer",
            Name = "api-test-node",
            Height = head.Height,
            HeadHash = ByteString.CopyFrom(head.Hash),
            GenesisHash = ByteString.CopyFrom(ApiChain.GenesisHash),
        };
    }
}
