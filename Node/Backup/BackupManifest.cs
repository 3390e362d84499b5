using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace VoteChain.Node.Backup;

/// <summary>One file of the backed-up data folder, as the manifest lists it.</summary>
internal sealed record BackupFile(string Name, long Bytes, string Sha256);

/// <summary>
/// The first entry of a backup archive (manifest.json): which chain the data belongs to, where its head was, who made it,
/// and every file with its size and SHA-256, so that restore can judge the archive before it writes a byte.
/// </summary>
internal sealed partial record BackupManifest(
    string Kind,
    int Version,
    string ChainId,
    string GenesisHash,
    ulong Height,
    string HeadHash,
    int? DataFormatVersion,
    string VotechainVersion,
    DateTimeOffset CreatedAt,
    IReadOnlyList<BackupFile> Files)
{
    public const string EntryName = "manifest.json";
    public const string DataFolder = "data/";
    public const string KindName = "votechain-backup";
    public const int CurrentVersion = 1;

    /// <summary>A manifest of this many files is about 2 MB; RocksDB keeps a database of terabytes in fewer.</summary>
    public const int MaxFiles = 20_000;

    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // Read by people too: a version's "+" stays a "+" (the file is never embedded in a page).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public long TotalBytes => Files.Sum(f => f.Bytes);

    /// <summary>The version of this votechain, as `backup` records it.</summary>
    public static string ThisVersion =>
        typeof(BackupManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <exception cref="UserInputException">It is not a manifest this version can restore.</exception>
    public static BackupManifest Parse(byte[] json, string archive)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(json, Json);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{archive} is not a VoteChain backup: its {EntryName} does not parse ({e.Message})");
        }

        if (manifest is null || manifest.Kind != KindName)
        {
            throw new UserInputException($"{archive} is not a VoteChain backup: its {EntryName} is not a {KindName} manifest");
        }

        if (manifest.Version != CurrentVersion)
        {
            throw new UserInputException($"{archive} is a backup of format {manifest.Version}; this votechain restores format {CurrentVersion}");
        }

        if (manifest.Problem() is { } problem)
        {
            throw new UserInputException($"{archive} is not a usable backup: {problem}");
        }

        return manifest;
    }

    /// <summary>
    /// Names are flat RocksDB file names (no folders, no "..", no absolute paths: nothing can land outside the data folder),
    /// each once, with sizes that add up within a long.
    /// </summary>
    private string? Problem()
    {
        if (Files.Count is 0 or > MaxFiles)
        {
            return $"it lists {Files.Count} files (1 to {MaxFiles})";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var file in Files)
        {
            if (!IsFileName(file.Name))
            {
                return $"it lists a file named '{file.Name}', not a database file name";
            }

            if (!names.Add(file.Name))
            {
                return $"it lists '{file.Name}' twice";
            }

            if (file.Bytes < 0 || (total += file.Bytes) < 0)
            {
                return $"the size of '{file.Name}' is not possible";
            }

            if (file.Sha256.Length != 64 || !IsHex(file.Sha256))
            {
                return $"the SHA-256 of '{file.Name}' is not 64 hex digits";
            }
        }

        return GenesisHash.Length == 64 && IsHex(GenesisHash) && HeadHash.Length == 64 && IsHex(HeadHash)
            ? null
            : "its genesis or head hash is not hex";
    }

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);

    /// <summary>A file name RocksDB writes (000123.sst, MANIFEST-000005, OPTIONS-000007, CURRENT, IDENTITY...).</summary>
    public static bool IsFileName(string name) => FileName().IsMatch(name) && name != "LOCK";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex FileName();
}
