using VoteChain.Storage;

namespace VoteChain.Node.Backup;

/// <summary>
/// `votechain restore --home DIR --from FILE` (docs/BACKUP.md): into a home whose data folder is empty, and only a backup
/// of the chain its genesis names. The archive is read twice: first every entry is checked against the manifest and
/// nothing is written; then the files go into a folder beside the data folder, the database there must open as the
/// home's chain at the manifest's head, and only then is it renamed into place. The sign-state is never written.
/// </summary>
internal static class Restorer
{
    public static void Run(string home, string from, TextWriter output)
    {
        var node = NodeHome.Load(home);
        var archive = Path.GetFullPath(from);
        if (!File.Exists(archive))
        {
            throw new UserInputException($"backup file {archive} does not exist");
        }

        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(node.Options.DataDir));
        RequireEmpty(data, home);
        RequireOutside(node.Options.SignStateFile, data);

        output.WriteLine($"restore: checking {archive}");
        var checking = new ProgressLines(output, "checking", 0);
        var manifest = BackupArchive.Read(archive, m =>
        {
            Accept(m, node, archive);
            output.WriteLine($"backup: chain {m.ChainId} at height {m.Height} (head {m.HeadHash}), {m.Files.Count} files, "
                + $"{ProgressLines.Size(m.TotalBytes)}, made by votechain {m.VotechainVersion} at {m.CreatedAt:u}");
            RequireSpace(data, m.TotalBytes);
            checking.Total = m.TotalBytes;
        }, target: null, checking);
        output.WriteLine("checked: every file is there with its size and SHA-256");

        var staging = WorkFolders.NewRestore(data);
        Directory.CreateDirectory(staging);
        try
        {
            var listed = manifest.ToJson();
            BackupArchive.Read(archive, m =>
            {
                if (!m.ToJson().AsSpan().SequenceEqual(listed))
                {
                    throw new UserInputException($"{archive} changed while it was restored");
                }
            }, staging, new ProgressLines(output, "writing", manifest.TotalBytes));
            Verify(staging, node, manifest);
            if (Directory.Exists(data))
            {
                // Not recursive: a file that appeared there meanwhile (a node started on the home) stops the restore.
                Directory.Delete(data);
            }

            Directory.Move(staging, data);
        }
        catch (Exception e)
        {
            WorkFolders.Delete(staging);
            if (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"restore into {data} failed: {e.Message}; nothing was restored", e);
            }

            throw;
        }

        output.WriteLine($"restored chain {manifest.ChainId} at height {manifest.Height} into {data}");
        output.WriteLine(File.Exists(node.Options.SignStateFile)
            ? $"sign-state: {node.Options.SignStateFile} kept as it was (restore never writes it)"
            : $"sign-state: none at {node.Options.SignStateFile}; if this home's key is a validator's, `start` refuses the restored "
              + "blocks without it: put back this home's own file, or start once with --allow-missing-sign-state only if the key "
              + $"signed nothing above height {manifest.Height} (config/README.md#sign-state); an observer needs none");
        output.WriteLine($"next: votechain start --home {home}");
    }

    /// <summary>The manifest must be of the home's chain, and of a data format this votechain reads.</summary>
    private static void Accept(BackupManifest manifest, NodeHome node, string archive)
    {
        if (manifest.ChainId != node.ChainId)
        {
            throw new UserInputException($"{archive} is a backup of chain '{manifest.ChainId}', but the genesis of {node.Options.GenesisFile} "
                + $"is chain '{node.ChainId}'; nothing was restored");
        }

        if (!manifest.GenesisHash.Equals(Convert.ToHexStringLower(node.GenesisHash), StringComparison.OrdinalIgnoreCase))
        {
            throw new UserInputException($"{archive} is a backup of chain '{manifest.ChainId}' with genesis {manifest.GenesisHash}, but "
                + $"{node.Options.GenesisFile} has genesis {Convert.ToHexStringLower(node.GenesisHash)}; nothing was restored");
        }

        if (manifest.DataFormatVersion > StoreFormat.Current)
        {
            throw new UserInputException($"{archive} holds data of format version {manifest.DataFormatVersion}; this votechain reads up to "
                + $"{StoreFormat.Current}: restore it with the votechain that made it (or a newer one)");
        }
    }

    private static void RequireEmpty(string data, string home)
    {
        if (File.Exists(data))
        {
            throw new UserInputException($"data folder {data} is a file");
        }

        if (Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
        {
            throw new UserInputException($"data folder {data} is not empty; restore writes only into an empty one "
                + $"(`votechain reset --home {home} --yes` empties it and keeps keys and sign-state)");
        }
    }

    /// <summary>Restore writes only into the data folder; a sign-state kept in it would be in the way of that promise.</summary>
    private static void RequireOutside(string signState, string data)
    {
        if (Path.GetFullPath(signState).StartsWith(data + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UserInputException($"sign_state_file {signState} is inside the data folder {data}; move it out (config/README.md) before restoring");
        }
    }

    private static void RequireSpace(string data, long bytes)
    {
        var parent = Path.GetDirectoryName(data)!;
        Directory.CreateDirectory(parent);
        long free;
        try
        {
            free = new DriveInfo(parent).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return;
        }

        if (free < bytes)
        {
            throw new UserInputException($"the backup needs {ProgressLines.Size(bytes)} but {parent} has {ProgressLines.Size(free)} free; nothing was restored");
        }
    }

    /// <summary>The restored database opens as the home's chain (every check a start makes) at the manifest's head.</summary>
    private static void Verify(string folder, NodeHome node, BackupManifest manifest)
    {
        try
        {
            using var store = ChainStore.Open(folder, node.ChainId, node.GenesisHash);
            if (store.Height != manifest.Height || !Convert.ToHexStringLower(store.HeadHash).Equals(manifest.HeadHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new UserInputException($"the restored data's head is height {store.Height} ({Convert.ToHexStringLower(store.HeadHash)}), "
                    + $"not the manifest's height {manifest.Height} ({manifest.HeadHash}); nothing was restored");
            }

            store.ForgetLegacySignState();
        }
        catch (StorageException e)
        {
            throw new UserInputException($"the restored data does not open: {e.Message}; nothing was restored", e);
        }
    }
}
