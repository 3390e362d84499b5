using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// A reader that never reads, written by hand over HTTP/2: it announces a receive window of zero, sends one unary gRPC
/// request and then nothing, so the server can send no byte of its answer until the connection is closed. (HttpClient
/// cannot be made to do this: it grants window as it buffers.) Dispose closes the connection.
/// </summary>
internal sealed class UnreadHttp2Call : IDisposable
{
    private readonly Socket _socket;

    private UnreadHttp2Call(Socket socket) => _socket = socket;

    /// <summary>
    /// Whether the server has cut the call off: closed the connection, or sent RST_STREAM (3) or GOAWAY (7). Reads what
    /// has arrived: the server's SETTINGS and response headers, never a byte of the answer (the window is zero).
    /// </summary>
    public bool CutOff()
    {
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        try
        {
            while (_socket.Poll(0, SelectMode.SelectRead))
            {
                var read = _socket.Receive(buffer);
                if (read == 0)
                {
                    return true;
                }

                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }
        catch (SocketException)
        {
            return true;
        }

        for (var i = 0; i + 9 <= received.Count; i += 9 + ((received[i] << 16) | (received[i + 1] << 8) | received[i + 2]))
        {
            if (received[i + 3] is 3 or 7)
            {
                return true;
            }
        }

        return false;
    }

    public static async Task<UnreadHttp2Call> StartAsync(IPAddress source, int port, string path, byte[] message)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var output = new List<byte>();
        output.AddRange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        // SETTINGS: SETTINGS_INITIAL_WINDOW_SIZE (4) = 0.
        Frame(output, type: 4, flags: 0, stream: 0, [0, 4, 0, 0, 0, 0]);
        var headers = new List<byte>();
        foreach (var (name, value) in new[]
        {
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", $"127.0.0.1:{port}"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        })
        {
            // HPACK literal header field without indexing, new name, no Huffman coding (RFC 7541, 6.2.2).
            headers.Add(0x00);
            headers.Add((byte)name.Length);
            headers.AddRange(Encoding.ASCII.GetBytes(name));
            headers.Add((byte)value.Length);
            headers.AddRange(Encoding.ASCII.GetBytes(value));
        }

        Frame(output, type: 1, flags: 0x4, stream: 1, [.. headers]);
        var grpc = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(grpc.AsSpan(1), (uint)message.Length);
        message.CopyTo(grpc, 5);
        Frame(output, type: 0, flags: 0x1, stream: 1, grpc);
        await socket.SendAsync(output.ToArray());
        return new UnreadHttp2Call(socket);
    }

    private static void Frame(List<byte> output, byte type, byte flags, int stream, byte[] payload)
    {
        output.Add((byte)(payload.Length >> 16));
        output.Add((byte)(payload.Length >> 8));
        output.Add((byte)payload.Length);
        output.Add(type);
        output.Add(flags);
        var id = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(id, stream);
        output.AddRange(id);
        output.AddRange(payload);
    }

    public void Dispose() => _socket.Dispose();
}
