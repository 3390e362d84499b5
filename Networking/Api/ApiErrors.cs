using Grpc.Core;

namespace VoteChain.Networking.Api;

/// <summary>The statuses the API answers with when a request is at fault or asks for something absent.</summary>
internal static class ApiErrors
{
    public static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));

    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));
}
