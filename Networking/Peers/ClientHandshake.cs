using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The caller's half of the gossip handshake: take the server's challenge and the key it announces, check that key
/// (the genesis validator's when the endpoint is one's), send a Hello naming it and signed over the challenge, this
/// side's own challenge and the connection binding, and check the server's Welcome: signed by the announced key over
/// our challenge and the same binding. A node that relays our handshake elsewhere gets no Hello the other node takes.
/// </summary>
public static class ClientHandshake
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The key the server proved, which must be <paramref name="expectedKey"/> when one is given.</summary>
    /// <exception cref="PeerHandshakeException">The server did not prove the expected key over this connection.</exception>
    public static Task<byte[]> RunAsync(AsyncDuplexStreamingCall<PeerMessage, GossipReply> call, LocalPeer self,
        Func<ConnectionBinding> binding, byte[]? expectedKey, CancellationToken cancellation) =>
        RunAsync(call, self, binding, key => PeerDialing.ExpectedKeyProblem(expectedKey, key), cancellation);

    /// <summary>The key the server proved.</summary>
    /// <param name="announcedKeyProblem">Why the key the server announced must not be signed for, or null when it may be.</param>
    /// <exception cref="PeerHandshakeException">The server announced a refused key, or did not prove it over this connection.</exception>
    public static async Task<byte[]> RunAsync(AsyncDuplexStreamingCall<PeerMessage, GossipReply> call, LocalPeer self,
        Func<ConnectionBinding> binding, Func<byte[], string?> announcedKeyProblem, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(announcedKeyProblem);
        ArgumentNullException.ThrowIfNull(self);
        self = self.ForOneHandshake();
        var challenge = await NextAsync(call, cancellation).ConfigureAwait(false);
        if (challenge?.KindCase != GossipReply.KindOneofCase.Challenge || challenge.Challenge.Length != HelloSigning.ChallengeSize
            || challenge.ServerKey.Length != Consensus.Crypto.Ed25519.PublicKeySize)
        {
            throw new PeerHandshakeException("the server did not open with a challenge and its key");
        }

        // Checked before anything is signed: a Hello naming a key we would refuse is never handed to whoever relays it.
        var serverKey = challenge.ServerKey.ToByteArray();
        if (announcedKeyProblem(serverKey) is { } refused)
        {
            throw new PeerHandshakeException(refused);
        }

        // The TLS session is up once the server's first message arrived, so the binding is that connection's.
        var bound = binding();
        var serverChallenge = challenge.Challenge.ToByteArray();
        var ownChallenge = HelloSigning.NewChallenge();
        await call.RequestStream.WriteAsync(new PeerMessage { Hello = HelloSigning.CreateHello(self, serverKey, serverChallenge, ownChallenge, bound) },
            cancellation).ConfigureAwait(false);

        var reply = await NextAsync(call, cancellation).ConfigureAwait(false);
        var welcome = reply?.KindCase == GossipReply.KindOneofCase.Welcome ? reply.Welcome : null;
        if (HelloSigning.WelcomeProblem(welcome, self, ownChallenge, serverChallenge, bound, serverKey) is { } problem)
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
