using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VoteChain.Node.Tls;

/// <summary>
/// Makes the certificates a node serves TLS with: self-signed for `init --tls`, or issued by a devnet CA so that
/// clients trust one file for the whole devnet. ECDSA P-256; usable for server and client authentication, since a
/// node presents the same certificate when it dials its peers. Peers do not trust these certificates: the
/// handshake binds their hashes and the validator keys prove who is who.
/// </summary>
public static class TlsCertificates
{
    /// <summary>Names every node certificate carries, so local clients can reach it by either.</summary>
    public static readonly IReadOnlyList<string> LocalNames = ["localhost", "127.0.0.1", "::1"];

    private static readonly TimeSpan ClockSkew = TimeSpan.FromHours(1);
    private static readonly TimeSpan NodeValidity = TimeSpan.FromDays(5 * 365);

    /// <summary>Whether <paramref name="name"/> can stand in a certificate: an IP address or a DNS host name.</summary>
    public static bool IsValidName(string name) =>
        IPAddress.TryParse(name, out _) || (name.Length <= 253 && name.Split('.').All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && label[0] != '-' && label[^1] != '-'));

    public static X509Certificate2 CreateSelfSigned(string commonName, IEnumerable<string> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = NodeRequest(commonName, names, key);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now - ClockSkew, now + NodeValidity);
    }

    public static X509Certificate2 CreateAuthority(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now - ClockSkew, now + NodeValidity + TimeSpan.FromDays(1));
    }

    /// <summary>A node certificate signed by <paramref name="authority"/> (which must hold its private key).</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string commonName, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(authority);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = NodeRequest(commonName, names, key);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(authority, now - ClockSkew, now + NodeValidity, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    private static CertificateRequest NodeRequest(string commonName, IEnumerable<string> names, ECDsa key)
    {
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in LocalNames.Concat(names).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "serverAuth"), new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }
}
