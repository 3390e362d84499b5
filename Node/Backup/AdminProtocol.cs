using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoteChain.Node.Backup;

/// <summary>
/// What `votechain backup` and the node's admin socket say to each other (docs/BACKUP.md): one JSON object per line.
/// The client asks for a checkpoint, the node answers with its folder (or why not), and the client holds the
/// connection open while it packs the folder, then says it is done and waits for the node to have removed it; a
/// connection that closes first, for whatever reason, has it removed too.
/// </summary>
internal static class AdminProtocol
{
    public const string CheckpointRequest = "checkpoint";

    /// <summary>The client has packed the checkpoint: the node removes it, then answers.</summary>
    public const string DoneRequest = "done";

    /// <summary>The longest line either side reads: a request is a few bytes, a reply one path or one sentence.</summary>
    public const int MaxLineBytes = 16 * 1024;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteLineAsync<T>(Stream stream, T message, CancellationToken cancellation)
    {
        // One write: the reader gets the line whole.
        byte[] line = [.. JsonSerializer.SerializeToUtf8Bytes(message, Json), (byte)'\n'];
        await stream.WriteAsync(line, cancellation).ConfigureAwait(false);
        await stream.FlushAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// One line, without its newline; null when the stream ends first (an empty stream, or a partial line).
    /// </summary>
    /// <exception cref="InvalidDataException">The line is longer than <see cref="MaxLineBytes"/>.</exception>
    public static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellation)
    {
        var line = new MemoryStream();
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellation).ConfigureAwait(false) == 1)
        {
            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
            }

            if (line.Length == MaxLineBytes)
            {
                throw new InvalidDataException($"a line longer than {MaxLineBytes} bytes");
            }

            line.WriteByte(one[0]);
        }

        return null;
    }

    /// <summary>The message a line holds, or null when it is not one.</summary>
    public static T? Parse<T>(string? line)
        where T : class
    {
        if (line is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record AdminRequest(string Request);

/// <summary>The node's answer: the checkpoint's folder, or the one-line reason there is none.</summary>
internal sealed record AdminReply(bool Ok, string? Folder = null, string? Error = null);
