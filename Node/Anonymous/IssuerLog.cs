using System.Text.Json;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// The issuer's own record of whom it served: one JSON line per poll book entry, appended and flushed before the blind
/// signature leaves. It holds what the issuer learns (the identity, its weight, the request's hash, when) and nothing
/// that could link a credential: the issuer never sees one. docs/ANONYMITY.md says why pooling it with the chain
/// still links nothing.
/// </summary>
internal sealed class IssuerLog(string path)
{
    private readonly Lock _gate = new();

    public string Path { get; } = path;

    public void Served(IssuerLogEntry entry)
    {
        var line = JsonSerializer.Serialize(entry, IssuerProtocol.Json) + "\n";
        lock (_gate)
        {
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(line));
            stream.Flush(flushToDisk: true);
        }
    }

    public static IReadOnlyList<IssuerLogEntry> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<IssuerLogEntry>(l, IssuerProtocol.Json)!)];
}

internal sealed record IssuerLogEntry(DateTimeOffset Time, string ElectionId, string Identity, ulong Weight, string RequestHash,
    string ServedTx, ulong Height, bool Repeat);
