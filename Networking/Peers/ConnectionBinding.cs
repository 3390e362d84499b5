using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VoteChain.Networking.Peers;

/// <summary>
/// What ties a handshake to one TLS connection: the SHA-256 of the server's and of the client's certificate as each
/// side saw them, or empty where there is none (plain http, or a client without a certificate). A man in the middle
/// presents its own certificate to each side, so the two sides sign different bindings and the handshake fails.
/// </summary>
public sealed record ConnectionBinding(byte[] ServerCertificateHash, byte[] ClientCertificateHash)
{
    public static readonly ConnectionBinding None = new([], []);

    public static byte[] HashOf(X509Certificate? certificate) => certificate is null ? [] : SHA256.HashData(certificate.GetRawCertData());
}
