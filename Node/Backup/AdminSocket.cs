using System.Net.Sockets;

namespace VoteChain.Node.Backup;

/// <summary>The Unix domain socket file of the admin endpoint: binding it private, finding a stale one, connecting.</summary>
internal static class AdminSocket
{
    /// <summary>
    /// A listening socket at <paramref name="path"/>, mode 0600. The mode is set between bind and listen: until listen
    /// no one can connect, so there is no moment when the socket is open to others.
    /// </summary>
    /// <exception cref="UserInputException">The path is too long for a socket, or a live socket is there already.</exception>
    public static Socket Listen(string path)
    {
        if (File.Exists(path))
        {
            // A node killed outright leaves its socket file; one that still answers belongs to someone else.
            using var live = TryConnect(path);
            if (live is not null)
            {
                throw new UserInputException($"another process serves {path}");
            }

            RemoveStale(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(EndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            socket.Listen(4);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A connection to the socket at <paramref name="path"/>; null when no file is there or nothing listens on it.</summary>
    /// <exception cref="UserInputException">The socket exists but this user may not connect to it, or the path is too long.</exception>
    public static Socket? TryConnect(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(EndPoint(path));
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            socket.Dispose();
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new UserInputException($"admin socket {path} refuses this user ({e.Message}); run this as the node's user");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Removes the socket file of a node that stopped (or a stale one).</summary>
    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next start removes it.
        }
    }

    /// <summary>
    /// Only an empty file is taken for a stale socket (a socket file has no length): a file with content at the configured
    /// path is someone's, and binding fails on it with a clear error instead of deleting it.
    /// </summary>
    private static void RemoveStale(string path)
    {
        if (new FileInfo(path).Length == 0)
        {
            File.Delete(path);
        }
    }

    private static UnixDomainSocketEndPoint EndPoint(string path)
    {
        try
        {
            return new UnixDomainSocketEndPoint(path);
        }
        catch (ArgumentOutOfRangeException)
        {
            // sun_path holds 108 bytes on Linux (104 on macOS).
            throw new UserInputException($"admin socket path {path} is too long for a Unix socket; set admin_socket in node.json to a shorter path");
        }
    }
}
