using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>The node's live status (role, view, peers, syncing), provided by the composition root.</summary>
public interface INodeStatusSource
{
    NodeStatus Current();
}
