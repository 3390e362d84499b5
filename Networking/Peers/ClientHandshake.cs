using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The caller's half of the gossip handshake: take the server's challenge, send a Hello signed over it, this side's
/// own challenge and the connection binding, and check the server's Welcome: signed over our challenge and the same
/// binding, by the key we expected when the endpoint is a genesis validator's.
/// </summary>
public static class ClientHandshake
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The key the server proved.</summary>
    /// <exception cref="PeerHandshakeException">The server did not prove the expected key over this connection.</exception>
    public static async Task<byte[]> RunAsync(AsyncDuplexStreamingCall<PeerMessage, GossipReply> call, LocalPeer self,
        Func<ConnectionBinding> binding, byte[]? expectedKey, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(call);
        var challenge = await NextAsync(call, cancellation).ConfigureAwait(false);
        if (challenge?.KindCase != GossipReply.KindOneofCase.Challenge || challenge.Challenge.Length != HelloSigning.ChallengeSize)
        {
            throw new PeerHandshakeException("the server did not open with a challenge");
        }

        // The TLS session is up once the server's first message arrived, so the binding is that connection's.
        var bound = binding();
        var serverChallenge = challenge.Challenge.ToByteArray();
        var ownChallenge = HelloSigning.NewChallenge();
        await call.RequestStream.WriteAsync(new PeerMessage { Hello = HelloSigning.CreateHello(self, serverChallenge, ownChallenge, bound) },
            cancellation).ConfigureAwait(false);

        var reply = await NextAsync(call, cancellation).ConfigureAwait(false);
        var welcome = reply?.KindCase == GossipReply.KindOneofCase.Welcome ? reply.Welcome : null;
        if (HelloSigning.WelcomeProblem(welcome, self, ownChallenge, serverChallenge, bound, expectedKey) is { } problem)
        {
            throw new PeerHandshakeException(problem);
        }

        return welcome!.PublicKey.ToByteArray();
    }

    private static async Task<GossipReply?> NextAsync(AsyncDuplexStreamingCall<PeerMessage, GossipReply> call, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(ReplyTimeout);
        try
        {
            return await call.ResponseStream.MoveNext(timeout.Token).ConfigureAwait(false) ? call.ResponseStream.Current : null;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new PeerHandshakeException($"the server did not answer within {ReplyTimeout.TotalSeconds:0} s");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && !cancellation.IsCancellationRequested)
        {
            throw new PeerHandshakeException($"the server did not answer within {ReplyTimeout.TotalSeconds:0} s");
        }
    }
}

/// <summary>A peer that did not prove, over this connection, the key it had to prove.</summary>
public sealed class PeerHandshakeException(string message) : Exception(message);
