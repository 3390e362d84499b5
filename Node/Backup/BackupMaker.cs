using System.Net.Sockets;
using System.Security.Cryptography;
using VoteChain.Storage;

namespace VoteChain.Node.Backup;

/// <summary>
/// `votechain backup --home DIR --out FILE` (docs/BACKUP.md): a RocksDB checkpoint of the home's data folder, made by the
/// node running on it (through its admin socket) or, when none runs, by this process; checked to open as the home's
/// chain; packed with its manifest into FILE; then removed.
/// </summary>
internal static class BackupMaker
{
    /// <summary>A checkpoint flushes the memtables first (at most 64 MB); a minute is plenty, five is generous.</summary>
    private static readonly TimeSpan CheckpointTime = TimeSpan.FromMinutes(5);

    /// <summary>RocksDB's own files that are not data: its lock and its info logs.</summary>
    private static bool IsData(string name) => name != "LOCK" && name != "LOG" && !name.StartsWith("LOG.old", StringComparison.Ordinal);

    public static void Run(string home, string outPath, TextWriter output)
    {
        var node = NodeHome.Load(home);
        var archive = Path.GetFullPath(outPath);
        if (File.Exists(archive) || Directory.Exists(archive))
        {
            throw new UserInputException($"{archive} already exists (refusing to overwrite)");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        using var admin = AdminSocket.TryConnect(node.Options.AdminSocket);
        string folder;
        if (admin is not null)
        {
            output.WriteLine($"backup: the node running on {home} makes a checkpoint (admin socket {node.Options.AdminSocket})");
            folder = RequestCheckpoint(admin, node.Options.AdminSocket);
        }
        else
        {
            output.WriteLine($"backup: no node answers on {node.Options.AdminSocket}; checkpointing the data folder {node.Options.DataDir}");
            folder = CheckpointHere(node);
        }

        try
        {
            var manifest = Describe(node, folder);
            output.WriteLine($"checkpoint: chain {manifest.ChainId} at height {manifest.Height} (head {manifest.HeadHash}), "
                + $"{manifest.Files.Count} files, {ProgressLines.Size(manifest.TotalBytes)}");
            var partial = $"{archive}.{Guid.NewGuid().ToString("N")[..8]}.partial";
            try
            {
                BackupArchive.Write(partial, manifest, folder, new ProgressLines(output, "packing", manifest.TotalBytes));
                // Only a whole archive gets the name asked for: a backup cut short leaves no file that looks usable.
                File.Move(partial, archive, overwrite: false);
            }
            finally
            {
                File.Delete(partial);
            }

            output.WriteLine($"wrote {archive} ({ProgressLines.Size(new FileInfo(archive).Length)}): chain {manifest.ChainId} at height {manifest.Height}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"backup into {archive} failed: {e.Message}", e);
        }
        finally
        {
            if (admin is null)
            {
                WorkFolders.Delete(folder);
            }
            else
            {
                Release(admin);
            }
        }
    }

    /// <summary>
    /// Tells the node the checkpoint is packed and waits until it has removed it. Should the node not answer, closing the
    /// connection (the using in <see cref="Run"/>) has it removed all the same.
    /// </summary>
    private static void Release(Socket admin)
    {
        using var stream = new NetworkStream(admin, ownsSocket: false);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            AdminProtocol.WriteLineAsync(stream, new AdminRequest(AdminProtocol.DoneRequest), deadline.Token).GetAwaiter().GetResult();
            AdminProtocol.ReadLineAsync(stream, deadline.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
        {
            // The node went away or is slow; it removes the checkpoint when it sees the connection close, or at its next start.
        }
    }

    private static string RequestCheckpoint(Socket admin, string socketPath)
    {
        using var stream = new NetworkStream(admin, ownsSocket: false);
        using var deadline = new CancellationTokenSource(CheckpointTime);
        AdminReply? reply;
        try
        {
            AdminProtocol.WriteLineAsync(stream, new AdminRequest(AdminProtocol.CheckpointRequest), deadline.Token).GetAwaiter().GetResult();
            reply = AdminProtocol.Parse<AdminReply>(AdminProtocol.ReadLineAsync(stream, deadline.Token).GetAwaiter().GetResult());
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
        {
            throw new UserInputException($"the node's admin socket {socketPath} did not answer ({e.Message})", e);
        }

        if (reply is null)
        {
            throw new UserInputException($"the node's admin socket {socketPath} closed without an answer");
        }

        if (!reply.Ok || reply.Folder is null)
        {
            throw new UserInputException($"the node refused the backup: {reply.Error ?? "no reason given"}");
        }

        if (!Directory.Exists(reply.Folder))
        {
            throw new UserInputException($"the node's checkpoint {reply.Folder} is not there; is this process on the node's machine?");
        }

        return reply.Folder;
    }

    /// <summary>No node runs on the home: this process opens the data folder (its lock keeps a node from starting meanwhile).</summary>
    private static string CheckpointHere(NodeHome node)
    {
        if (!ChainStore.HoldsDatabase(node.Options.DataDir))
        {
            throw new UserInputException($"data folder {node.Options.DataDir} holds no chain data to back up");
        }

        var folder = WorkFolders.NewCheckpoint(node.Options.DataDir);
        try
        {
            using var store = ChainStore.Open(node.Options.DataDir, node.ChainId, node.GenesisHash);
            store.Checkpoint(folder);
            return folder;
        }
        catch (StorageException e)
        {
            WorkFolders.Delete(folder);
            throw new UserInputException(e.Message, e);
        }
    }

    /// <summary>
    /// Opens the checkpoint as the home's chain (the check restore makes, made before anything is packed), takes its head
    /// from it, drops a sign-state an old database may keep, and lists its files with their sizes and hashes.
    /// </summary>
    private static BackupManifest Describe(NodeHome node, string folder)
    {
        HeadState head;
        try
        {
            using var copy = ChainStore.Open(folder, node.ChainId, node.GenesisHash);
            head = copy.Head;
            copy.ForgetLegacySignState();
        }
        catch (StorageException e)
        {
            throw new UserInputException($"the checkpoint does not open as chain {node.ChainId}: {e.Message}", e);
        }

        // Opening brought the copy to this binary's format; the record in it says so.
        var format = ChainStore.Inspect(folder, node.ChainId, node.GenesisHash)?.FormatVersion;

        if (Directory.EnumerateDirectories(folder).FirstOrDefault() is { } inner)
        {
            throw new UserInputException($"the checkpoint holds a folder ({inner}); a RocksDB checkpoint has none");
        }

        var files = new List<BackupFile>();
        foreach (var path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!IsData(name))
            {
                continue;
            }

            if (!BackupManifest.IsFileName(name))
            {
                throw new UserInputException($"the checkpoint holds a file named '{name}', not a database file name");
            }

            using var stream = File.OpenRead(path);
            files.Add(new BackupFile(name, stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream))));
        }

        return new BackupManifest(BackupManifest.KindName, BackupManifest.CurrentVersion, node.ChainId,
            Convert.ToHexStringLower(node.GenesisHash), head.Height, Convert.ToHexStringLower(head.Hash),
            format, BackupManifest.ThisVersion, DateTimeOffset.UtcNow, files);
    }
}
