using System.Net;
using Microsoft.Extensions.Configuration;
using VoteChain.Consensus.Genesis;
using VoteChain.Node.Cli;

namespace VoteChain.Node.Hosting;

/// <summary>Loads and checks a node's options; every problem is one line, all of them reported at once.</summary>
public static class NodeOptionsLoader
{
    public const string EnvironmentPrefix = "VOTECHAIN_";

    /// <param name="overrides">Flag values as configuration keys (e.g. "listen", "observer").</param>
    /// <exception cref="UserInputException">Every problem of the options, in one line.</exception>
    public static NodeOptions Load(string home, IReadOnlyDictionary<string, string?> overrides, IReadOnlyList<string> extraPeers)
    {
        var loaded = Read(home, overrides, extraPeers);
        if (loaded.Problems.Count > 0)
        {
            throw new UserInputException(string.Join("; ", loaded.Problems));
        }

        return loaded.Options;
    }

    /// <summary>
    /// The options with every problem found in them (values the binder cannot convert, then <see cref="Problems"/>);
    /// where a value could not be converted its default stands in, so the other checks still run.
    /// </summary>
    /// <exception cref="UserInputException">The home has no config, or the config is not JSON.</exception>
    public static LoadedOptions Read(string home, IReadOnlyDictionary<string, string?> overrides, IReadOnlyList<string> extraPeers)
    {
        var configPath = Path.GetFullPath(Path.Combine(home, "config", "node.json"));
        if (!File.Exists(configPath))
        {
            throw new UserInputException($"no node config at {configPath}; create the home with `votechain init --home {home}`");
        }

        var (options, bindingProblems, configuration) = NodeConfigBinding.Bind(configPath, overrides);
        options.Peers = [.. options.Peers.Concat(extraPeers).Distinct(StringComparer.OrdinalIgnoreCase)];
        options.DataDir = Resolve(home, options.DataDir);
        options.KeyFile = Resolve(home, options.KeyFile);
        options.NextKeyFile = Resolve(home, options.NextKeyFile);
        options.GenesisFile = Resolve(home, options.GenesisFile);
        options.Tls.Certificate = options.Tls.Certificate is { Length: > 0 } certificate ? Resolve(home, certificate) : null;
        options.Tls.Key = options.Tls.Key is { Length: > 0 } tlsKey ? Resolve(home, tlsKey) : null;
        options.SignStateFile = Resolve(home, options.SignStateFile);
        options.Trustee.KeyFile = Resolve(home, options.Trustee.KeyFile);
        options.StateSync.SnapshotDir = Resolve(home, options.StateSync.SnapshotDir);
        options.AdminSocket = Resolve(home, options.AdminSocket is { Length: > 0 } admin ? admin : Backup.AdminEndpoint.DefaultSocket);
        return new LoadedOptions(options, [.. bindingProblems, .. Problems(options)], configuration, configPath);
    }

    public static List<string> Problems(NodeOptions options)
    {
        var problems = new List<string>();
        if (!TryParseListen(options.Listen, out _))
        {
            problems.Add($"listen address '{options.Listen}' is not HOST:PORT with an IP address (e.g. 127.0.0.1:7100)");
        }

        if (options.Web.Enabled && (!TryParseListen(options.Web.Listen, out var web)
            || (TryParseListen(options.Listen, out var api) && web.Port == api.Port && (web.Address.Equals(api.Address)
                || IsWildcard(web.Address) || IsWildcard(api.Address)))))
        {
            problems.Add($"web listen address '{options.Web.Listen}' is not HOST:PORT with an IP address apart from the node's listen address (e.g. 127.0.0.1:7180)");
        }

        problems.AddRange(options.Peers.Where(p => !GenesisValidator.IsValidEndpoint(p))
            .Select(p => $"peer '{p}' is not an absolute http:// or https:// URL"));
        if (options.Mempool.MaxTxs <= 0 || options.Mempool.MaxBytes <= 0 || options.Mempool.MaxTxBytes <= 0)
        {
            problems.Add("mempool limits must be positive");
        }

        if ((options.Tls.Certificate is null) != (options.Tls.Key is null))
        {
            problems.Add("tls needs both certificate and key (or neither, to serve plain http)");
        }

        problems.AddRange(options.Limits.Problems());
        problems.AddRange(options.StateSync.Problems());

        if (options.TickMs is < 5 or > 1000)
        {
            problems.Add($"tick_ms {options.TickMs} is outside 5..1000");
        }

        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(options.LogLevel, ignoreCase: true, out _))
        {
            problems.Add($"log_level '{options.LogLevel}' is not one of Trace, Debug, Information, Warning, Error, Critical");
        }

        if (!NodeLogFormat.IsKnown(options.LogFormat))
        {
            problems.Add($"log_format '{options.LogFormat}' is not one of {string.Join(", ", NodeLogFormat.All)}");
        }

        return problems;
    }

    public static bool TryParseListen(string listen, out IPEndPoint endpoint) =>
        IPEndPoint.TryParse(listen, out endpoint!) && endpoint.Port is > 0 and <= 65535 && listen.Contains(':', StringComparison.Ordinal);

    /// <summary>Addresses Kestrel binds on every interface (<c>[::]</c> takes IPv4 too).</summary>
    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static string Resolve(string home, string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(home, path));
}

/// <summary>A home's options with every problem found in them, and the configuration they came from (for where each value came from).</summary>
public sealed record LoadedOptions(NodeOptions Options, IReadOnlyList<string> Problems, IConfigurationRoot Configuration, string ConfigPath);
