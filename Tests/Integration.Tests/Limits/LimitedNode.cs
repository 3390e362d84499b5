using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// One real validator on 127.0.0.1 with short limits written into its config/node.json (the product keeps its real
/// defaults), and clients that connect from a chosen loopback address (127.0.0.2 and so on are loopback on Linux).
/// </summary>
internal static class LimitedNode
{
    public static readonly IPAddress Other = IPAddress.Parse("127.0.0.2");

    public static async Task<TestNetwork> StartAsync(JsonObject limits)
    {
        var net = TestNetwork.Create(validators: 1, observers: 0);
        await WriteLimitsAsync(net, 0, limits);
        await net.StartAsync(0);
        return net;
    }

    /// <summary>Sets the <c>limits</c> section of a (stopped) node's config/node.json.</summary>
    public static async Task WriteLimitsAsync(TestNetwork net, int node, JsonObject limits)
    {
        var path = Path.Combine(net.Home(node), "config", "node.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        config["limits"] = limits;
        await File.WriteAllTextAsync(path, config.ToJsonString());
    }

    /// <summary>A channel whose one HTTP/2 connection comes from <paramref name="source"/>; dispose it.</summary>
    public static GrpcChannel Channel(TestNetwork net, IPAddress source) =>
        GrpcChannel.ForAddress(net.Url(0), new GrpcChannelOptions { HttpHandler = Handler(source) });

    public static VoteChainApi.VoteChainApiClient Api(GrpcChannel channel) => new(channel);

    /// <summary>One connection per handler (no second one opened when streams run out), bound to a source address.</summary>
    public static SocketsHttpHandler Handler(IPAddress source) => new()
    {
        EnableMultipleHttp2Connections = false,
        ConnectCallback = async (context, cancellation) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
