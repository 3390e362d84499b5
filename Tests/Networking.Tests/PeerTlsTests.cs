using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VoteChain.Networking.Peers;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Finding 7 of the issue 9 review: a gossip channel binds one server certificate. The handshake signs the hash of the
/// certificate this side saw; were a later connection of the same channel to show another certificate, the binding
/// signed could be another connection's than the stream's. The first certificate is kept and any other refused.
/// </summary>
public sealed class PeerTlsTests
{
    private static readonly Uri Peer = new("https://127.0.0.1:7001");

    [Test]
    public void A_gossip_channel_keeps_its_first_server_certificate_and_refuses_another()
    {
        using var first = SelfSigned("first");
        using var other = SelfSigned("other");
        var tls = new PeerTls(ownCertificate: null);
        using var handler = tls.Secure(new SocketsHttpHandler());
        var validate = handler.SslOptions.RemoteCertificateValidationCallback!;

        Assert.That(validate(this, first, null, System.Net.Security.SslPolicyErrors.None), Is.True, "any first certificate: peers are proven by key");
        Assert.That(validate(this, other, null, System.Net.Security.SslPolicyErrors.None), Is.False, "another one later on the same channel");
        Assert.That(validate(this, first, null, System.Net.Security.SslPolicyErrors.None), Is.True, "the first one again (a reconnect)");
        Assert.That(validate(this, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable), Is.False, "none at all");
        Assert.That(tls.Binding(Peer).ServerCertificateHash, Is.EqualTo(ConnectionBinding.HashOf(first)));
    }

    [Test]
    public void Calls_that_bind_nothing_take_any_server_certificate()
    {
        using var first = SelfSigned("first");
        using var other = SelfSigned("other");
        using var handler = PeerTls.SecureUnbound(new SocketsHttpHandler(), ownCertificate: null);
        var validate = handler.SslOptions.RemoteCertificateValidationCallback!;

        Assert.That(validate(this, first, null, System.Net.Security.SslPolicyErrors.None), Is.True);
        Assert.That(validate(this, other, null, System.Net.Security.SslPolicyErrors.None), Is.True, "heads and blocks are checked by their certificates, not by TLS");
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
