using System.CommandLine;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using VoteChain.Node.Tls;

namespace VoteChain.Node.Cli.Client;

/// <summary>
/// How client commands trust an https:// node: the system's roots, or only the certificates of one PEM file given
/// with --tls-ca or VOTECHAIN_TLS_CA (a devnet's CA, or a node's self-signed certificate). The host name must match
/// the certificate either way. Plain http:// URLs ignore both.
/// </summary>
internal sealed class ClientTls
{
    public const string OptionName = "--tls-ca";
    public const string EnvironmentVariable = "VOTECHAIN_TLS_CA";

    private readonly string? _caPath;
    private string? _refusal;

    private ClientTls(string? caPath) => _caPath = caPath;

    /// <summary>The --tls-ca option, on the root command so that every client command takes it.</summary>
    public static Option<string?> Option() => new(OptionName)
    {
        Description = $"PEM file of the certificate authority (or self-signed certificate) to trust for https:// nodes; default ${EnvironmentVariable}, else the system's roots.",
        Recursive = true,
    };

    /// <summary>The trust the command line (or the environment) asks for.</summary>
    public static ClientTls From(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var path = parseResult.GetValue<string?>(OptionName);
        if (string.IsNullOrEmpty(path))
        {
            path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        }

        return new ClientTls(string.IsNullOrEmpty(path) ? null : path);
    }

    /// <summary>Trust of the certificates in <paramref name="caPath"/> only (a devnet talking to its own nodes).</summary>
    public static ClientTls Trusting(string caPath) => new(caPath);

    /// <summary>Why the last server certificate was refused, for the operator's one line.</summary>
    public string? Refusal => _refusal;

    public HttpMessageHandler CreateHandler()
    {
        // As gRPC's own handler would be set up (bench runs many calls at once), plus the trust below.
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (_caPath is null)
        {
            return handler;
        }

        var trusted = TlsFiles.LoadTrusted(_caPath);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Judge(certificate, errors, trusted);
        return handler;
    }

    private bool Judge(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return Refuse("the node presented no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Refuse("the certificate is not for this host name");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var served = new X509Certificate2(certificate);
        return chain.Build(served)
            || Refuse($"it is not signed by {_caPath} ({string.Join(", ", chain.ChainStatus.Select(s => s.Status))})");
    }

    private bool Refuse(string reason)
    {
        _refusal = reason;
        return false;
    }

    /// <summary>Whether <paramref name="failure"/> (a call's error) came from refusing the server's certificate.</summary>
    public static bool IsCertificateFailure(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The operator's one line for a node whose certificate was not trusted.</summary>
    public string Explain(string url) => _caPath is null
        ? $"the node at {url} presented a TLS certificate this machine does not trust{(_refusal is null ? "" : $" ({_refusal})")}; give its CA with {OptionName} PATH or {EnvironmentVariable}"
        : $"the node at {url} presented a TLS certificate that {OptionName} {_caPath} does not vouch for{(_refusal is null ? "" : $": {_refusal}")}";
}
