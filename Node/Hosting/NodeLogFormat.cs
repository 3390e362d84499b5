namespace VoteChain.Node.Hosting;

/// <summary>The node's log formats (config <c>log_format</c>, <c>start --log-format</c>).</summary>
public static class NodeLogFormat
{
    /// <summary>One readable line per entry: time, level, category, message.</summary>
    public const string Text = "text";

    /// <summary>
    /// One JSON object per line (Microsoft.Extensions.Logging's JSON console formatter): <c>Timestamp</c>, <c>EventId</c>,
    /// <c>LogLevel</c>, <c>Category</c>, <c>Message</c> and the entry's named values under <c>State</c>, for log shippers.
    /// </summary>
    public const string Json = "json";

    public static IReadOnlyList<string> All { get; } = [Text, Json];

    public static bool IsKnown(string format) => All.Contains(format, StringComparer.OrdinalIgnoreCase);

    public static bool IsJson(string format) => string.Equals(format, Json, StringComparison.OrdinalIgnoreCase);
}
