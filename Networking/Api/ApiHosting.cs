using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;

namespace VoteChain.Networking.Api;

/// <summary>The gRPC server settings the public API relies on; the node and the tests apply the same ones.</summary>
public static class ApiHosting
{
    /// <summary>
    /// Adds gRPC with these settings (use instead of <c>services.AddGrpc()</c>). Compression is off for every service:
    /// grpc-dotnet adds gzip and deflate to an empty provider list while its options are set up, so the list is
    /// emptied after that. The request guard refuses compressed messages first in any case (see GuardedRequestBody).
    /// </summary>
    public static IGrpcServerBuilder AddNodeGrpc(this IServiceCollection services)
    {
        // The JSON API: the methods with google.api.http options, as JSON over HTTP (docs/JSON-API.md).
        // Its refusals carry the rule's code as a google.rpc.ErrorInfo detail, which the JSON writer must know.
        var grpc = services.AddGrpc(Configure).AddJsonTranscoding(options =>
            options.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(Google.Rpc.ErrorInfo.Descriptor));
        services.PostConfigure<GrpcServiceOptions>(options => options.CompressionProviders = []);
        return grpc;
    }

    private static void Configure(GrpcServiceOptions options)
    {
        // An oversized request is refused (ResourceExhausted) before it is buffered or parsed.
        options.MaxReceiveMessageSize = ApiLimits.MaxRequestBytes;
        // Stack traces and exception texts stay in the node's log, never in a client's hands.
        options.EnableDetailedErrors = false;
    }
}
