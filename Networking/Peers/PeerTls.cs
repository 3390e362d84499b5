using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The TLS side of dialing one peer. Peers are proven by their validator key in the handshake, not by a CA, so any
/// server certificate is accepted here; what matters is that its hash is remembered and bound into the handshake.
/// A node with a certificate of its own presents it as a client certificate, so the server can bind it too.
/// </summary>
internal sealed class PeerTls(X509Certificate2? ownCertificate)
{
    private byte[] _serverCertificateHash = [];

    /// <summary>Adds the certificate handling to a peer channel's handler (see <see cref="PeerLimits.CreateHandler"/>).</summary>
    public SocketsHttpHandler Secure(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                Volatile.Write(ref _serverCertificateHash, ConnectionBinding.HashOf(certificate));
                return true;
            },
        };
        if (ownCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [ownCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => ownCertificate;
        }

        return handler;
    }

    /// <summary>The binding of the connection to <paramref name="url"/> as this side saw it (after the stream opened).</summary>
    public ConnectionBinding Binding(Uri url) => url.Scheme == Uri.UriSchemeHttps
        ? new ConnectionBinding(Volatile.Read(ref _serverCertificateHash), ConnectionBinding.HashOf(ownCertificate))
        : ConnectionBinding.None;
}
