using VoteChain.Node.Cli;
using VoteChain.Node.Files;
using VoteChain.Node.Hosting;
using VoteChain.Storage;

namespace VoteChain.Node.Backup;

/// <summary>
/// `votechain reset --home DIR` (docs/BACKUP.md): removes the chain data (the data folder, and folders a backup or restore
/// left beside it) and keeps everything else in the home: config, genesis, keys, next key, trustee key, TLS files and the
/// sign-state, so a validator resyncs and signs nothing it might have signed before. Refused while a node runs there.
/// </summary>
internal static class HomeReset
{
    /// <param name="ask">Asks the operator a yes/no question; null when there is no terminal to ask on.</param>
    public static void Run(string home, bool yes, TextWriter output, Func<string, bool>? ask)
    {
        var options = NodeHome.LoadOptions(home);
        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDir));
        var keep = Kept(home, options);
        foreach (var inside in keep.Where(k => Path.GetFullPath(k.Path).StartsWith(data + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new UserInputException($"the {inside.What} {inside.Path} is inside the data folder {data}; reset would remove it, so it removes nothing: "
                + "move the file out and point the config at it first");
        }

        RequireStopped(home, options, data);
        var work = WorkFolders.All(data);
        var (files, bytes) = Measure([data, .. work]);
        var what = $"{data} ({files} files, {ProgressLines.Size(bytes)})";
        if (!yes)
        {
            if (ask is null)
            {
                throw new UsageException($"reset removes the chain data in {what}; pass --yes to confirm (there is no terminal to ask on)");
            }

            if (!ask($"remove the chain data in {what}? Keys, config and sign-state are kept. [y/N] "))
            {
                throw new UserInputException("reset not confirmed; nothing was removed");
            }
        }

        try
        {
            foreach (var folder in work)
            {
                WorkFolders.Delete(folder);
                output.WriteLine($"removed: {folder} (left by a backup or restore)");
            }

            WorkFolders.Delete(data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"reset could not remove all of {data}: {e.Message}; run it again once the cause is fixed", e);
        }

        SafeFile.CreateFolder(data, "data folder");
        output.WriteLine($"removed: {what}; it is empty now");
        foreach (var (kind, path) in keep.Where(k => File.Exists(k.Path)))
        {
            output.WriteLine($"kept: {kind} {path}");
        }

        output.WriteLine($"next: votechain start --home {home} syncs the chain from its peers (a validator signs again once past its sign-state), "
            + $"or votechain restore --home {home} --from FILE");
    }

    /// <summary>A running node holds the database's lock, and answers on its admin socket; either is enough to refuse.</summary>
    private static void RequireStopped(string home, NodeOptions options, string data)
    {
        using (var live = AdminSocket.TryConnect(options.AdminSocket))
        {
            if (live is not null)
            {
                throw new UserInputException($"a node is running on {home} (its admin socket {options.AdminSocket} answers); stop it first, nothing was removed");
            }
        }

        try
        {
            ChainStore.ThrowIfInUse(data);
        }
        catch (StorageException e)
        {
            throw new UserInputException($"{e.Message}; nothing was removed", e);
        }
    }

    /// <summary>The home's files reset keeps, by what they are (whether or not they exist).</summary>
    private static List<(string What, string Path)> Kept(string home, NodeOptions options)
    {
        List<(string, string?)> files =
        [
            ("node config", Path.GetFullPath(Path.Combine(home, "config", "node.json"))),
            ("genesis", options.GenesisFile),
            ("node key", options.KeyFile),
            ("next node key", options.NextKeyFile),
            ("sign-state", options.SignStateFile),
            ("trustee key", options.Trustee.KeyFile),
            ("TLS certificate", options.Tls.Certificate),
            ("TLS key", options.Tls.Key),
        ];
        return [.. files.Where(f => f.Item2 is not null).Select(f => (f.Item1, f.Item2!))];
    }

    private static (long Files, long Bytes) Measure(IEnumerable<string> folders)
    {
        long files = 0, bytes = 0;
        foreach (var folder in folders.Where(Directory.Exists))
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                files++;
                bytes += file.Length;
            }
        }

        return (files, bytes);
    }
}
