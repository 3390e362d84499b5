using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoteChain.Node.Cli.Client;

/// <summary>
/// The --json output of every command: snake_case field names that stay stable (documented in the README),
/// byte strings as lower-case hex, times as ISO-8601.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(TextWriter output, object value) => output.WriteLine(JsonSerializer.Serialize(value, value.GetType(), Options));

    /// <summary>Reads back what <see cref="Write"/> printed (e.g. a ballot audit a voter saved); null when it is JSON null.</summary>
    public static T? Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>The --json flag of a command.</summary>
    public static System.CommandLine.Option<bool> Option() => new("--json") { Description = "Print machine-readable JSON (stable field names)." };
}
