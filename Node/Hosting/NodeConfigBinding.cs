using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace VoteChain.Node.Hosting;

/// <summary>
/// Binds config/node.json, then VOTECHAIN_ environment variables, then flags onto <see cref="NodeOptions"/>, and finds
/// every value the binder cannot convert (a word where a number goes), not only the first: the binder stops at the
/// first, so when it fails each value is bound on its own, and the options are bound from the values that passed.
/// </summary>
public static partial class NodeConfigBinding
{
    /// <exception cref="UserInputException">The config file is not JSON at all: nothing else can be read from it.</exception>
    public static (NodeOptions Options, IReadOnlyList<string> Problems, IConfigurationRoot Configuration) Bind(
        string configPath, IReadOnlyDictionary<string, string?> overrides)
    {
        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(configPath), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(NodeOptionsLoader.EnvironmentPrefix)
                .AddInMemoryCollection(overrides)
                .Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new UserInputException($"node config {configPath} is not valid: {e.Message}");
        }

        if (TryBind(configuration, out var options, out _))
        {
            return (options, [], configuration);
        }

        var problems = new List<string>();
        var good = new Dictionary<string, string?>();
        foreach (var (key, value) in configuration.AsEnumerable().Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var alone = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
            if (TryBind(alone, out _, out var error))
            {
                good[key] = value;
            }
            else
            {
                problems.Add($"{Source(configuration, key, configPath)}: {Display(key)} '{value}' is not {Expected(error)}");
            }
        }

        TryBind(new ConfigurationBuilder().AddInMemoryCollection(good).Build(), out options, out _);
        return (options, problems, configuration);
    }

    /// <summary>Where the value in force for <paramref name="key"/> came from: a flag, a variable, the config file, or the default.</summary>
    public static string Source(IConfigurationRoot configuration, string key, string configPath)
    {
        // Later providers win, as they do when binding.
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
            {
                return provider switch
                {
                    JsonConfigurationProvider => configPath,
                    EnvironmentVariablesConfigurationProvider =>
                        $"environment {NodeOptionsLoader.EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()}",
                    _ => "command line",
                };
            }
        }

        return "default";
    }

    /// <summary>A configuration key as config/README.md names it: <c>mempool.max_txs</c>, <c>peers[0]</c>.</summary>
    public static string Display(string key) => ArrayIndex().Replace(key, "[$1]").Replace(':', '.');

    private static bool TryBind(IConfiguration configuration, out NodeOptions options, out Exception? error)
    {
        try
        {
            options = configuration.Get<NodeOptions>() ?? new NodeOptions();
            error = null;
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            options = new NodeOptions();
            error = e;
            return false;
        }
    }

    /// <summary>What the binder wanted, in words; its message names the .NET type ("to type 'System.Int32'").</summary>
    private static string Expected(Exception? error)
    {
        var type = error is null ? "" : TargetType().Match(error.Message).Groups[1].Value;
        return type switch
        {
            _ when type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) => "a whole number",
            _ when type.Contains("Double", StringComparison.Ordinal) => "a number",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ => $"a value of the right kind ({error?.Message})",
        };
    }

    [GeneratedRegex(@":(\d+)(?=:|$)")]
    private static partial Regex ArrayIndex();

    [GeneratedRegex(@"to type '([^']+)'")]
    private static partial Regex TargetType();
}
