using System.Text.Json;
using System.Text.Json.Nodes;

namespace VoteChain.Node.Config;

/// <summary>
/// The default node config: the repository's config/node.json, embedded in the executable so there is one
/// documented source (config/README.md) and `init` needs no files next to the binary.
/// </summary>
public static class DefaultNodeConfig
{
    private const string ResourceName = "VoteChain.Node.DefaultNodeConfig.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The default config with <paramref name="name"/> as the node name, as indented JSON text.</summary>
    public static string WithName(string name)
    {
        var config = JsonNode.Parse(ReadResource())?.AsObject()
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is not a JSON object.");
        config["name"] = name;
        return config.ToJsonString(Indented) + "\n";
    }

    private static string ReadResource()
    {
        using var stream = typeof(DefaultNodeConfig).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
