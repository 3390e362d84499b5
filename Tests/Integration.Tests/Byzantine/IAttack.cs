using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>What a dishonest validator does: it reacts to the honest validators' gossip and may act on its own clock.</summary>
internal interface IAttack
{
    /// <summary>A consensus message an honest validator gossiped; called from several streams at once.</summary>
    void OnMessage(ConsensusMessage message);

    /// <summary>Acts until cancelled (an attack that only reacts returns at once).</summary>
    Task RunAsync(CancellationToken stop);
}

/// <summary>
/// What an attack may use: the validator's own index and signatures made by the product's <see cref="MessageFactory"/>
/// with the validator's real key (so every crafted message verifies), and a broadcast to every honest node.
/// </summary>
internal sealed record AttackContext(uint Index, MessageFactory Sign, ValidatorSet Validators, Action<ConsensusMessage> Broadcast)
{
    public bool Leads(ulong height, ulong view) => Validators.Primary(height, view) == (int)Index;
}

/// <summary>
/// How a dishonest validator answers sync requests, for an attack that lies there too. An attack without this claims
/// an empty chain and serves nothing, so honest nodes never sync from it.
/// </summary>
internal interface ISyncAnswers
{
    Task<Head> HeadAsync(CancellationToken cancellation);

    /// <param name="caller">The caller's address (its connection), which tells apart nodes that all run on 127.0.0.1.</param>
    Task<GetBlocksResponse> BlocksAsync(GetBlocksRequest request, string caller, CancellationToken cancellation);
}
