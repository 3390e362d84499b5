using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VoteChain.Node.Tls;

/// <summary>A node home's TLS files (config/tls.crt, config/tls.key) and the node.json section that names them.</summary>
public static class TlsConfig
{
    public const string CertificateFile = "config/tls.crt";
    public const string KeyFile = "config/tls.key";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string CertificatePath(string home) => Path.Combine(home, CertificateFile);

    public static string KeyPath(string home) => Path.Combine(home, KeyFile);

    /// <summary>Saves <paramref name="certificate"/> with its key into the home.</summary>
    public static void Save(string home, X509Certificate2 certificate) =>
        TlsFiles.Save(certificate, CertificatePath(home), KeyPath(home));

    /// <summary><paramref name="configJson"/> with a <c>tls</c> section naming the home's files (relative, as init writes them).</summary>
    public static string WithTls(string configJson)
    {
        var config = JsonNode.Parse(configJson)?.AsObject() ?? throw new InvalidOperationException("the node config is not a JSON object");
        config["tls"] = new JsonObject { ["certificate"] = CertificateFile, ["key"] = KeyFile };
        return config.ToJsonString(Indented) + "\n";
    }
}
