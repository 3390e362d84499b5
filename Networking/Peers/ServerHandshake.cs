using Grpc.Core;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The server's half of the gossip handshake: send a fresh challenge with this node's key, take a Hello signed over
/// both and this connection's binding within <see cref="HelloTimeout"/>, answer with a Welcome signed over the caller's challenge.
/// The challenge lives only in this call, so it is used once: a Hello captured from one stream proves nothing on another.
/// </summary>
public static class ServerHandshake
{
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Who proved their key on this stream, or null when the caller hung up before saying anything.</summary>
    /// <exception cref="RpcException">PermissionDenied when the Hello is missing, late, or does not verify for this connection.</exception>
    public static async Task<PeerIdentity?> RunAsync(IAsyncStreamReader<PeerMessage> requests, IServerStreamWriter<GossipReply> replies,
        LocalPeer self, ConnectionBinding binding, PeerValidators validators, TimeProvider clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(validators);
        self = self.ForOneHandshake();
        var challenge = HelloSigning.NewChallenge();
        // The key goes with the challenge so that the caller signs a Hello for this node only (no relaying it elsewhere).
        var announce = new GossipReply
        {
            Challenge = Google.Protobuf.ByteString.CopyFrom(challenge),
            ServerKey = Google.Protobuf.ByteString.CopyFrom(self.Key.PublicKey),
        };
        await replies.WriteAsync(announce, cancellation).ConfigureAwait(false);

        using var timeout = new CancellationTokenSource(HelloTimeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        bool any;
        try
        {
            any = await requests.MoveNext(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"no Hello within {HelloTimeout.TotalSeconds:0} s of the challenge"));
        }

        if (!any)
        {
            return null;
        }

        var hello = requests.Current.KindCase == PeerMessage.KindOneofCase.Hello ? requests.Current.Hello : null;
        if (HelloSigning.HelloProblem(hello, self.ChainId, self.GenesisHash, self.Key.PublicKey, challenge, binding) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, problem));
        }

        await replies.WriteAsync(new GossipReply { Welcome = HelloSigning.CreateWelcome(self, hello!, challenge, binding) }, cancellation)
            .ConfigureAwait(false);
        var key = hello!.PublicKey.ToByteArray();
        return new PeerIdentity(key, hello.Name, hello.Endpoint, validators.SlotOf(key));
    }
}
