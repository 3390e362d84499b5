using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VoteChain.Node.Cli;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Tls;

/// <summary>
/// A certificate and its private key as PEM files: the key created with mode 0600 from its first byte, neither file
/// ever overwritten; loading gives one line naming the file when something is wrong.
/// </summary>
public static class TlsFiles
{
    public static void Save(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("only ECDSA certificates with their private key are saved");
        SafeFile.CreateNew(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", isPrivate: true, "TLS key");
        SaveCertificate(certificate, certificatePath);
    }

    public static void SaveCertificate(X509Certificate2 certificate, string path)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        SafeFile.CreateNew(path, certificate.ExportCertificatePem() + "\n", isPrivate: false, "TLS certificate");
    }

    /// <summary>The certificate with its private key, ready to serve TLS and to present to peers.</summary>
    public static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        var certificatePem = SafeFile.ReadAllText(certificatePath, "TLS certificate");
        // The TLS key is a private key like any other: refused when group or others may read it (fixed by `keys fix-mode`).
        var keyPem = KeyFileMode.ReadPrivate(keyPath, "TLS key");
        try
        {
            using var loaded = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            if (loaded.NotAfter < DateTime.Now)
            {
                throw new UserInputException($"TLS certificate {certificatePath} expired on {loaded.NotAfter:yyyy-MM-dd}");
            }

            // A PEM key is ephemeral; re-importing it as PKCS#12 gives a certificate SslStream can use on every platform.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // A key of another certificate is an ArgumentException; a broken PEM, a CryptographicException.
            throw new UserInputException($"TLS certificate {certificatePath} with key {keyPath} cannot be used: {e.Message}", e);
        }
    }

    /// <summary>The certificates of a PEM file clients trust as roots (a devnet CA, or a node's self-signed certificate).</summary>
    public static X509Certificate2Collection LoadTrusted(string path)
    {
        var pem = SafeFile.ReadAllText(path, "TLS CA file");
        var trusted = new X509Certificate2Collection();
        try
        {
            trusted.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new UserInputException($"TLS CA file {path} is not a PEM certificate file: {e.Message}", e);
        }

        return trusted.Count > 0 ? trusted : throw new UserInputException($"TLS CA file {path} holds no certificate");
    }
}
