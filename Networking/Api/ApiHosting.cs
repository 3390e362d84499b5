using Grpc.AspNetCore.Server;

namespace VoteChain.Networking.Api;

/// <summary>The gRPC server settings the public API relies on; the node and the tests apply the same ones.</summary>
public static class ApiHosting
{
    /// <summary>Use as <c>services.AddGrpc(ApiHosting.Configure)</c>.</summary>
    public static void Configure(GrpcServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // An oversized request is refused (ResourceExhausted) before it is buffered or parsed.
        options.MaxReceiveMessageSize = ApiLimits.MaxRequestBytes;
        // Stack traces and exception texts stay in the node's log, never in a client's hands.
        options.EnableDetailedErrors = false;
    }
}
