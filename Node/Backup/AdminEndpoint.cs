using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Storage;

namespace VoteChain.Node.Backup;

/// <summary>
/// The node's admin endpoint (docs/BACKUP.md): a Unix domain socket in the home, mode 0600, so only the node's user (and
/// root) can connect and nothing off the machine can. It serves one request, a RocksDB checkpoint for `votechain backup`,
/// because a running node holds the database's lock and only it can copy the database consistently. One client at a
/// time: another one while a backup is in progress is told so and closed.
/// </summary>
internal sealed class AdminEndpoint(string socketPath, ChainStore store, ILogger<AdminEndpoint> logger) : BackgroundService
{
    /// <summary>Where the loader puts the socket, relative to the home, unless the config names another path.</summary>
    public const string DefaultSocket = "admin.sock";

    /// <summary>A client that connects has this long to send its request.</summary>
    private static readonly TimeSpan RequestTime = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a backup may hold its checkpoint. Compaction goes on meanwhile and the checkpoint keeps the table files
    /// it replaced, so a client that hangs must not keep them forever; hours pack hundreds of gigabytes.
    /// </summary>
    private static readonly TimeSpan MaxHold = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (socketPath.Length == 0)
        {
            return;
        }

        // The host starts its services in turn; binding and clearing old folders must not hold up the others.
        await Task.Yield();
        var session = Task.CompletedTask;
        Socket? listener = null;
        try
        {
            RemoveStaleCheckpoints();
            listener = AdminSocket.Listen(socketPath);
            logger.LogInformation("admin socket {Path} (mode 0600) serves `votechain backup`", socketPath);
            while (true)
            {
                var client = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
                if (!session.IsCompleted)
                {
                    await RefuseAsync(client, "a backup of this node is already in progress; run one at a time").ConfigureAwait(false);
                    continue;
                }

                session = Task.Run(() => ServeAsync(client, stoppingToken), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node stops.
        }
        catch (Exception e) when (e is UserInputException or SocketException or IOException or UnauthorizedAccessException)
        {
            // A node without its admin socket still runs: only online backups need it, and `backup` says so.
            logger.LogWarning("admin socket {Path} not served ({Reason}): `votechain backup` cannot reach this node while it runs",
                socketPath, e.Message);
        }
        finally
        {
            if (listener is not null)
            {
                listener.Dispose();
                AdminSocket.Remove(socketPath);
            }

            await session.ConfigureAwait(false);
        }
    }

    /// <summary>Checkpoints left by a node or a `backup` that died before removing them; nobody holds them now.</summary>
    private void RemoveStaleCheckpoints()
    {
        foreach (var folder in WorkFolders.Checkpoints(store.Folder))
        {
            WorkFolders.Delete(folder);
            logger.LogInformation("admin: removed {Folder}, a backup checkpoint left by an earlier run", folder);
        }
    }

    /// <summary>One backup: the request, the checkpoint, then the wait until the client has packed it. Never throws.</summary>
    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        string? folder = null;
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            using (var requestTime = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                requestTime.CancelAfter(RequestTime);
                var request = AdminProtocol.Parse<AdminRequest>(await AdminProtocol.ReadLineAsync(stream, requestTime.Token).ConfigureAwait(false));
                if (request?.Request != AdminProtocol.CheckpointRequest)
                {
                    await AdminProtocol.WriteLineAsync(stream, new AdminReply(false,
                        Error: $"this socket serves only the request {{\"request\":\"{AdminProtocol.CheckpointRequest}\"}} (votechain backup)"), requestTime.Token).ConfigureAwait(false);
                    return;
                }
            }

            folder = WorkFolders.NewCheckpoint(store.Folder);
            var height = store.Height;
            try
            {
                store.Checkpoint(folder);
            }
            catch (StorageException e)
            {
                logger.LogWarning("admin: a backup checkpoint failed: {Reason}", e.Message);
                await AdminProtocol.WriteLineAsync(stream, new AdminReply(false, Error: e.Message), stopping).ConfigureAwait(false);
                return;
            }

            logger.LogInformation("admin: backup checkpoint at height {Height} or above in {Folder}", height, folder);
            await AdminProtocol.WriteLineAsync(stream, new AdminReply(true, Folder: folder), stopping).ConfigureAwait(false);

            // The client says when it is done, or simply goes away; either ends the hold.
            using var hold = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            hold.CancelAfter(MaxHold);
            if (await AdminProtocol.ReadLineAsync(stream, hold.Token).ConfigureAwait(false) is not null)
            {
                // A client that said so waits for the folder to be gone, so it ends with nothing of the backup left behind.
                RemoveCheckpoint(folder);
                folder = null;
                using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await AdminProtocol.WriteLineAsync(stream, new AdminReply(true), brief.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            logger.LogDebug("admin: a client went away: {Reason}", e.Message);
        }
        finally
        {
            if (folder is not null)
            {
                RemoveCheckpoint(folder);
            }
        }
    }

    private void RemoveCheckpoint(string folder)
    {
        try
        {
            WorkFolders.Delete(folder);
            logger.LogInformation("admin: backup finished; removed its checkpoint {Folder}", folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("admin: could not remove the backup checkpoint {Folder} ({Reason}); the next start removes it", folder, e.Message);
        }
    }

    /// <summary>Reads the waiting client's request (so it is not cut off mid-write) and answers no.</summary>
    private static async Task RefuseAsync(Socket client, string why)
    {
        using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            await AdminProtocol.ReadLineAsync(stream, brief.Token).ConfigureAwait(false);
            await AdminProtocol.WriteLineAsync(stream, new AdminReply(false, Error: why), brief.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
        {
            // It went away; nothing is held for it.
        }
    }
}
