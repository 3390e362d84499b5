using System.Text.Json;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// The issuer's own record of what it signed: one JSON line per roll entry served, appended and flushed to disk before
/// the blind signature leaves. It is also the issuer's memory, read whole at start: whatever its node says, the issuer
/// never signs a second, different request for a roll entry it has signed for (a lying node could otherwise show any
/// request as the one on chain). It holds what the issuer learns (the identity, its weight, the request's hash, when)
/// and nothing that could link a credential: the issuer never sees one. Private (0600), opened at start so a bad path
/// fails before anything is served.
/// </summary>
internal sealed class IssuerLog
{
    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly Dictionary<(string Election, string Identity), string> _signed = [];

    public IssuerLog(string path)
    {
        _path = path;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (new FileStream(path, options))
            {
            }

            var number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (line.Length > 0)
                {
                    var entry = Parse(line, number);
                    _signed[(entry.ElectionId, entry.Identity)] = entry.RequestHash;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot open the issuer log {path}: {e.Message}", e);
        }
    }

    /// <summary>The hash of the request this issuer signed for the roll entry, or null when it signed none.</summary>
    public string? Signed(string electionId, string identity)
    {
        lock (_gate)
        {
            return _signed.GetValueOrDefault((electionId, identity));
        }
    }

    public void Served(IssuerLogEntry entry)
    {
        var line = JsonSerializer.Serialize(entry, IssuerProtocol.Json) + "\n";
        lock (_gate)
        {
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(line));
            stream.Flush(flushToDisk: true);
            _signed[(entry.ElectionId, entry.Identity)] = entry.RequestHash;
        }
    }

    private IssuerLogEntry Parse(string line, int number)
    {
        try
        {
            return JsonSerializer.Deserialize<IssuerLogEntry>(line, IssuerProtocol.Json)
                ?? throw new JsonException("null entry");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"issuer log {_path} line {number} is not a log entry ({e.Message}); it is the issuer's memory of " +
                "what it signed, so it must be repaired, not ignored", e);
        }
    }
}

internal sealed record IssuerLogEntry(DateTimeOffset Time, string ElectionId, string Identity, ulong Weight, string RequestHash,
    string ServedTx, ulong Height);
