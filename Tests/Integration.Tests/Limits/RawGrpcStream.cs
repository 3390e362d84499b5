using System.Buffers.Binary;
using System.Net;
using Grpc.Core;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// A hostile client-streaming gRPC call written by hand over HTTP/2: it sends many large messages from one reused
/// buffer, so the test process allocates almost nothing and the memory it measures is the node's.
/// </summary>
internal static class RawGrpcStream
{
    /// <summary>
    /// Sends <paramref name="messages"/> SubmitTransactionRequest messages, each carrying an envelope of
    /// <paramref name="envelopeBytes"/> zero bytes, and returns the call's gRPC status and message.
    /// </summary>
    public static Task<(StatusCode Code, string Message)> SubmitAsync(HttpClient http, string url, int messages, int envelopeBytes,
        CancellationToken cancellation, string method = "votechain.v1.VoteChainApi/SubmitStream") =>
        SendAsync(http, $"{url}/{method}", new EnvelopeFrames(messages, envelopeBytes), cancellation);

    /// <summary>
    /// One message announced as <paramref name="envelopeBytes"/> long whose body then arrives ten bytes per
    /// <paramref name="every"/> (a slow-loris on one message); returns the call's gRPC status and message.
    /// </summary>
    public static Task<(StatusCode Code, string Message)> TrickleAsync(HttpClient http, string url, int envelopeBytes, TimeSpan every,
        CancellationToken cancellation) =>
        SendAsync(http, $"{url}/votechain.v1.VoteChainApi/SubmitStream", new TrickleFrame(envelopeBytes, every, cancellation), cancellation);

    /// <summary>Sends one ready-made frame (flag, length, payload) to <paramref name="method"/>, marked <c>grpc-encoding: gzip</c>.</summary>
    public static Task<(StatusCode Code, string Message)> SendGzipAsync(HttpClient http, string url, string method, byte[] frame,
        CancellationToken cancellation) =>
        SendAsync(http, $"{url}/{method}", new ByteArrayContent(frame), cancellation, encoding: "gzip");

    private static async Task<(StatusCode Code, string Message)> SendAsync(HttpClient http, string methodUrl, HttpContent content,
        CancellationToken cancellation, string? encoding = null)
    {
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        using var request = new HttpRequestMessage(HttpMethod.Post, methodUrl)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            await (await response.Content.ReadAsStreamAsync(cancellation)).CopyToAsync(Stream.Null, cancellation);
            return StatusOf(response);
        }
        catch (HttpRequestException e)
        {
            return (StatusCode.Unavailable, e.Message);
        }
    }

    /// <summary>A gRPC frame header and the protobuf prefix of field 1 (bytes) holding an envelope of the given size.</summary>
    internal static byte[] Header(int envelopeBytes)
    {
        var prefix = new List<byte> { 0x0A };
        for (var n = (uint)envelopeBytes; ; n >>= 7)
        {
            prefix.Add((byte)(n < 0x80 ? n : (n & 0x7F) | 0x80));
            if (n < 0x80)
            {
                break;
            }
        }

        var header = new byte[5 + prefix.Count];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)(prefix.Count + envelopeBytes));
        prefix.CopyTo(header, 5);
        return header;
    }

    private static (StatusCode, string) StatusOf(HttpResponseMessage response)
    {
        string? Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
            : response.Headers.TryGetValues(name, out var h) ? h.First() : null;

        var code = Header("grpc-status") is { } status ? (StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture) : StatusCode.Unknown;
        return (code, Uri.UnescapeDataString(Header("grpc-message") ?? ""));
    }

    /// <summary>The request body: gRPC frames (flag, big-endian length) around protobuf field 1 (bytes).</summary>
    private sealed class EnvelopeFrames(int messages, int envelopeBytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var header = Header(envelopeBytes);
            var zeros = new byte[64 * 1024];
            try
            {
                for (var m = 0; m < messages; m++)
                {
                    await stream.WriteAsync(header);
                    for (var left = envelopeBytes; left > 0; left -= zeros.Length)
                    {
                        await stream.WriteAsync(zeros.AsMemory(0, Math.Min(left, zeros.Length)));
                    }
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                // The node refused the call and reset the stream: the rest is not wanted.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

internal sealed class TrickleFrame(int envelopeBytes, TimeSpan every, CancellationToken cancellation) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var tenBytes = new byte[10];
        try
        {
            await stream.WriteAsync(RawGrpcStream.Header(envelopeBytes), cancellation);
            await stream.FlushAsync(cancellation);
            for (var sent = 0; sent < envelopeBytes; sent += tenBytes.Length)
            {
                // The attacker's own pace, not a wait for a condition.
                await Task.Delay(every, cancellation);
                await stream.WriteAsync(tenBytes, cancellation);
                await stream.FlushAsync(cancellation);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // The node cut the call off, as it should.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
