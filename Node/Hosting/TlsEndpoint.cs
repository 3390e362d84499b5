using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using VoteChain.Networking.Limits;
using VoteChain.Node.Tls;

namespace VoteChain.Node.Hosting;

/// <summary>
/// The node's one HTTP/2 endpoint, over TLS when the config names a certificate and key, plain otherwise. Client
/// certificates are asked for but never required or judged by a CA: a peer presents its own so that the handshake
/// can bind both certificates' hashes; who the peer is, its validator key proves.
/// </summary>
internal static class TlsEndpoint
{
    /// <summary>The node's certificate with its key, or null when it serves plain http.</summary>
    public static X509Certificate2? LoadCertificate(NodeOptions options) =>
        options.Tls is { Certificate: { } certificate, Key: { } key } ? TlsFiles.Load(certificate, key) : null;

    public static void Listen(KestrelServerOptions kestrel, IPEndPoint endpoint, X509Certificate2? certificate, ConnectionsPerAddress perAddress) =>
        kestrel.Listen(endpoint, listen =>
        {
            // Runs first on every accepted connection, before TLS or HTTP/2 parsing cost anything.
            listen.Use(perAddress.Middleware);
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            }
        });

    /// <summary>
    /// The web endpoint: HTTP/1.1 for browsers and plain clients, and HTTP/2 too where TLS lets the client choose.
    /// </summary>
    public static void ListenWeb(KestrelServerOptions kestrel, IPEndPoint endpoint, X509Certificate2? certificate, ConnectionsPerAddress perAddress) =>
        kestrel.Listen(endpoint, listen =>
        {
            listen.Use(perAddress.Middleware);
            listen.Protocols = certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        });

    /// <summary>The URL scheme this node serves.</summary>
    public static string Scheme(X509Certificate2? certificate) => certificate is null ? "http" : "https";
}
