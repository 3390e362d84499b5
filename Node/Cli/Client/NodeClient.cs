using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Networking.Api;
using VoteChain.Networking.Limits;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Client;

/// <summary>
/// A connection to a node's public API for the operator commands. Every failure becomes one line for the
/// operator: an unreachable node says so with its URL; a refusal gives the rule's code and sentence.
/// </summary>
internal sealed class NodeClient : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:7100";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private readonly ClientTls _tls;

    public NodeClient(string url, ClientTls tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UserInputException($"--node '{url}' is not an http:// or https:// URL");
        }

        Url = url;
        _tls = tls;
        _channel = UncompressedChannel.ForAddress(uri, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            HttpHandler = uri.Scheme == Uri.UriSchemeHttps ? tls.CreateHandler() : null,
            DisposeHttpClient = true,
        });
        Api = new VoteChainApi.VoteChainApiClient(_channel);
    }

    public string Url { get; }

    public VoteChainApi.VoteChainApiClient Api { get; }

    /// <summary>The --node option every client command takes.</summary>
    public static Option<string> NodeOption() => new("--node")
    {
        Description = $"URL of the node's API (default {DefaultUrl}).",
        DefaultValueFactory = _ => DefaultUrl,
    };

    public static DateTime Deadline() => DateTime.UtcNow + CallTimeout;

    /// <summary>Runs one call, turning any gRPC failure into a one-line <see cref="UserInputException"/>.</summary>
    public T Call<T>(Func<VoteChainApi.VoteChainApiClient, AsyncUnaryCall<T>> call, string what)
    {
        try
        {
            return call(Api).ResponseAsync.GetAwaiter().GetResult();
        }
        catch (RpcException e)
        {
            throw Explain(e, what);
        }
    }

    /// <summary>The rule's code name when the node refused with one (e.g. ALREADY_VOTED), else null.</summary>
    public static string? Reason(RpcException e) => RejectionStatus.ReasonOf(e);

    public UserInputException Explain(RpcException e, string what) => e.StatusCode switch
    {
        _ when ClientTls.IsCertificateFailure(e.Status.DebugException) => new UserInputException(_tls.Explain(Url)),
        StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
            new UserInputException($"cannot reach a node at {Url} ({e.StatusCode}{(e.Status.Detail.Length > 0 ? ": " + FirstSentence(e.Status.Detail) : "")})"),
        _ when Reason(e) is { } reason => new UserInputException($"{what} refused: {reason}: {e.Status.Detail}"),
        StatusCode.NotFound => new UserInputException($"{what}: not found: {e.Status.Detail}"),
        _ => new UserInputException($"{what} failed: {e.StatusCode}: {e.Status.Detail}"),
    };

    public void Dispose() => _channel.Dispose();

    private static string FirstSentence(string detail)
    {
        var cut = detail.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? detail[..cut] : detail;
    }
}
