using Grpc.Net.Client;

namespace VoteChain.Networking.Limits;

/// <summary>
/// The one way the node and its CLI open a gRPC channel. grpc-dotnet compares its receive bound with a message's
/// compressed length and inflates into a buffer without bound, so a peer or node answering with 64 KiB of gzip could
/// make the caller hold 64 MiB (or gigabytes). Nothing in VoteChain compresses: these channels know no compression at
/// all, so they ask for none (<c>grpc-accept-encoding: identity</c>) and a compressed answer fails (Unimplemented)
/// without being inflated.
/// </summary>
public static class UncompressedChannel
{
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.CompressionProviders = [];
        return GrpcChannel.ForAddress(address, options);
    }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions options) => ForAddress(new Uri(address), options);
}
