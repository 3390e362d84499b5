namespace VoteChain.Fuzzing;

/// <summary>One input that made a target throw.</summary>
internal sealed record ReplayFailure(string Path, Exception Exception);

/// <summary>Runs a target over saved inputs (the corpus, or afl-fuzz's crashes) without afl-fuzz.</summary>
internal static class CorpusReplay
{
    /// <summary>Every regular file under the given files and folders, in a stable order (not afl-fuzz's README.txt).</summary>
    public static IReadOnlyList<string> Inputs(IEnumerable<string> paths) =>
    [
        .. paths.SelectMany(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "README.txt")
                : [p])
            .Order(StringComparer.Ordinal),
    ];

    public static IReadOnlyList<ReplayFailure> Run(IFuzzTarget target, IReadOnlyList<string> inputs)
    {
        var failures = new List<ReplayFailure>();
        foreach (var input in inputs)
        {
            try
            {
                target.Run(File.ReadAllBytes(input));
            }
#pragma warning disable CA1031 // Any exception is the finding being reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Add(new ReplayFailure(input, e));
            }
        }

        return failures;
    }
}
