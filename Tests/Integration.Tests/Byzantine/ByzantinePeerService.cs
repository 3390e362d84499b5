using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// The dishonest validator's side of the peer protocol: honest validators dial its genesis endpoint and gossip to it,
/// so it sees their proposals, phase votes and view changes. Heads and blocks are answered by the attack when it lies
/// about sync (<see cref="ISyncAnswers"/>); otherwise it claims an empty chain and serves no blocks.
/// Streams open with the product's server handshake (the honest nodes insist on this validator's key); who dials is
/// not otherwise checked: only the test's own nodes know this port.
/// </summary>
/// <param name="sync">The attack's sync answers, or null; read per call because the attack is made after the server.</param>
/// <param name="fault">Where a broken sync answer is reported: the caller only sees a failed call, which looks like a
/// liar that served nothing, so a bug in the attacker would otherwise pass for the defence working.</param>
internal sealed class ByzantinePeerService(LocalPeer self, ValidatorSet validators, Action<ConsensusMessage> received, Func<ISyncAnswers?> sync, Action<Exception> fault,
    CancellationToken stopping) : PeerService.PeerServiceBase
{
    public override async Task Gossip(IAsyncStreamReader<PeerMessage> requestStream, IServerStreamWriter<GossipReply> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            if (await ServerHandshake.RunAsync(requestStream, responseStream, self, ConnectionBinding.None, PeerValidators.Fixed(validators), TimeProvider.System,
                    open.Token).ConfigureAwait(false) is null)
            {
                return;
            }

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
    }

    public override async Task<GetBlocksResponse> GetBlocks(GetBlocksRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (sync() is not { } answers)
        {
            return new GetBlocksResponse();
        }

        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        return await AnswerAsync(context, answers.BlocksAsync(request, context.Peer, open.Token)).ConfigureAwait(false);
    }

    public override async Task<Head> GetHead(GetHeadRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (sync() is not { } answers)
        {
            return new Head { Height = 0, Hash = ByteString.Empty };
        }

        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        return await AnswerAsync(context, answers.HeadAsync(open.Token)).ConfigureAwait(false);
    }

    private async Task<T> AnswerAsync<T>(ServerCallContext context, Task<T> answer)
    {
        try
        {
            return await answer.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            fault(e);
            throw;
        }
    }
}
