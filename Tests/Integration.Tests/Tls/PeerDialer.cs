using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Networking.Peers;
using VoteChain.Node.Tls;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Tls;

/// <summary>
/// One fresh connection to a node's peer service as a test-side attacker or peer would open it: its own TLS session
/// (a client certificate of the test's choosing, any server certificate accepted and its hash kept), so each dial is
/// a different connection and the handshake can be played step by step.
/// </summary>
internal sealed class PeerDialer : IDisposable
{
    private readonly GrpcChannel _channel;
    private byte[] _serverCertificateHash = [];

    public PeerDialer(string url, X509Certificate2? clientCertificate)
    {
        ClientCertificate = clientCertificate;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            _serverCertificateHash = ConnectionBinding.HashOf(certificate);
            return true;
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Client = new PeerService.PeerServiceClient(_channel);
    }

    public PeerService.PeerServiceClient Client { get; }

    public X509Certificate2? ClientCertificate { get; }

    /// <summary>The binding an honest client signs on this connection (valid once a call has opened it).</summary>
    public ConnectionBinding Binding => _serverCertificateHash.Length == 0
        ? ConnectionBinding.None
        : new ConnectionBinding(_serverCertificateHash, ConnectionBinding.HashOf(ClientCertificate));

    public AsyncDuplexStreamingCall<PeerMessage, GossipReply> Open() => Client.Gossip(deadline: DateTime.UtcNow.AddSeconds(30));

    /// <summary>The server's first message on a fresh stream: its challenge.</summary>
    public static async Task<byte[]> ChallengeAsync(AsyncDuplexStreamingCall<PeerMessage, GossipReply> call)
    {
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True, "the server opens with a challenge");
        Assert.That(call.ResponseStream.Current.KindCase, Is.EqualTo(GossipReply.KindOneofCase.Challenge));
        return call.ResponseStream.Current.Challenge.ToByteArray();
    }

    /// <summary>A node's certificate with its key, from its home (as a peer that took that node's files would hold it).</summary>
    public static X509Certificate2 CertificateOf(string home) => TlsFiles.Load(TlsConfig.CertificatePath(home), TlsConfig.KeyPath(home));

    public void Dispose()
    {
        _channel.Dispose();
        ClientCertificate?.Dispose();
    }
}
