using Google.Protobuf;
using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// The dishonest validator's side of the peer protocol: honest validators dial its genesis endpoint and gossip to it,
/// so it sees their proposals, phase votes and view changes. It serves no blocks (it claims an empty chain).
/// Hellos are not checked: only the test's own honest nodes know this port.
/// </summary>
internal sealed class ByzantinePeerService(Action<ConsensusMessage> received, CancellationToken stopping) : PeerService.PeerServiceBase
{
    public override async Task<GossipAck> Gossip(IAsyncStreamReader<PeerMessage> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            while (await requestStream.MoveNext(open.Token).ConfigureAwait(false))
            {
                if (requestStream.Current.KindCase == PeerMessage.KindOneofCase.Consensus)
                {
                    received(requestStream.Current.Consensus);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The honest node hung up or the test is stopping this peer.
        }

        return new GossipAck();
    }

    public override Task<GetBlocksResponse> GetBlocks(GetBlocksRequest request, ServerCallContext context) =>
        Task.FromResult(new GetBlocksResponse());

    public override Task<Head> GetHead(GetHeadRequest request, ServerCallContext context) =>
        Task.FromResult(new Head { Height = 0, Hash = ByteString.Empty });
}
