using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VoteChain.Networking.Tests.Support;

/// <summary>
/// A gzip-compressed gRPC message that inflates a thousandfold: grpc-dotnet compares its receive bound with the
/// compressed length and inflates into a buffer without bound. Shared with Integration.Tests (linked file).
/// </summary>
internal static class GzipBomb
{
    /// <summary>
    /// One gRPC frame (compressed flag 1, big-endian length) holding the gzip of a protobuf message whose field 1
    /// (bytes) is <paramref name="inflatedBytes"/> zeros: a GetBlocksResponse with one block, a transaction gossip, ...
    /// </summary>
    public static byte[] Frame(int inflatedBytes)
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(FieldOnePrefix(inflatedBytes));
            var zeros = new byte[64 * 1024];
            for (var left = inflatedBytes; left > 0; left -= zeros.Length)
            {
                gzip.Write(zeros, 0, Math.Min(left, zeros.Length));
            }
        }

        var frame = new byte[5 + packed.Length];
        frame[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)packed.Length);
        packed.ToArray().CopyTo(frame, 5);
        return frame;
    }

    private static byte[] FieldOnePrefix(int length)
    {
        var prefix = new List<byte> { 0x0A };
        for (var n = (uint)length; ; n >>= 7)
        {
            prefix.Add((byte)(n < 0x80 ? n : (n & 0x7F) | 0x80));
            if (n < 0x80)
            {
                return [.. prefix];
            }
        }
    }
}

/// <summary>
/// A hostile server on 127.0.0.1 (plain HTTP/2) that answers every gRPC call with one gzip bomb, marked
/// <c>grpc-encoding: gzip</c> whatever the caller said it accepts, and records what each caller said it accepts.
/// </summary>
internal sealed class GzipBombServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _acceptEncodings = [];

    private GzipBombServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The <c>grpc-accept-encoding</c> list of each call received ("identity,gzip,deflate" is grpc-dotnet's default).</summary>
    public IReadOnlyList<string> AcceptEncodings
    {
        get
        {
            lock (_acceptEncodings)
            {
                return [.. _acceptEncodings];
            }
        }
    }

    public static async Task<GzipBombServer> StartAsync(int inflatedBytes)
    {
        var frame = GzipBomb.Frame(inflatedBytes);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        GzipBombServer? server = null;
        app.MapPost("/{**method}", async context =>
        {
            lock (server!._acceptEncodings)
            {
                // grpc-dotnet writes "identity," when it knows no compression: the list, not its punctuation, is what counts.
                var accepted = context.Request.Headers["grpc-accept-encoding"].ToString()
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                server._acceptEncodings.Add(string.Join(",", accepted));
            }

            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-encoding"] = "gzip";
            await context.Response.Body.WriteAsync(frame);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new GzipBombServer(app, url);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
