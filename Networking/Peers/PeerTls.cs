using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The TLS side of dialing one peer. Peers are proven by their validator key in the handshake, not by a CA, so any
/// server certificate is accepted at first; what matters is that its hash is bound into the handshake. A channel
/// secured with <see cref="Secure"/> carries one gossip stream and binds one certificate: the first one it sees is
/// kept and a connection showing any other is refused, so the binding signed is always this stream's connection's
/// (finding 7 of the issue 9 review), even should the channel open a second connection. A node with a certificate of
/// its own presents it as a client certificate, so the server can bind it too.
/// </summary>
internal sealed class PeerTls(X509Certificate2? ownCertificate)
{
    private readonly Lock _gate = new();
    private byte[] _serverCertificateHash = [];

    /// <summary>Adds the certificate handling to a gossip channel's handler (see <see cref="PeerLimits.CreateHandler"/>).</summary>
    public SocketsHttpHandler Secure(SocketsHttpHandler handler) => Configure(handler, ownCertificate, (_, certificate, _, _) => Bind(certificate));

    /// <summary>
    /// For a channel whose calls bind nothing (heads and blocks, which their commit certificates prove): any server
    /// certificate, so that one the peer rotated is taken; the own certificate presented as for gossip.
    /// </summary>
    public static SocketsHttpHandler SecureUnbound(SocketsHttpHandler handler, X509Certificate2? ownCertificate) =>
        Configure(handler, ownCertificate, (_, _, _, _) => true);

    /// <summary>The binding of the connection to <paramref name="url"/> as this side saw it (after the stream opened).</summary>
    public ConnectionBinding Binding(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return ConnectionBinding.None;
        }

        lock (_gate)
        {
            return new ConnectionBinding(_serverCertificateHash, ConnectionBinding.HashOf(ownCertificate));
        }
    }

    private bool Bind(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        var hash = ConnectionBinding.HashOf(certificate);
        lock (_gate)
        {
            if (_serverCertificateHash.Length == 0)
            {
                _serverCertificateHash = hash;
                return true;
            }

            return CryptographicOperations.FixedTimeEquals(_serverCertificateHash, hash);
        }
    }

    private static SocketsHttpHandler Configure(SocketsHttpHandler handler, X509Certificate2? ownCertificate,
        RemoteCertificateValidationCallback validate)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validate };
        if (ownCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [ownCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => ownCertificate;
        }

        return handler;
    }
}
