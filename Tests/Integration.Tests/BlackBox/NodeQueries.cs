using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// A node's height, blocks and tallies read over gRPC from the test process, for the waits that poll them: a `votechain`
/// process per poll (half a second of start-up each) took the cores the devnet under test needs, and its output is
/// not what those waits check. What the CLI itself prints is checked with the CLI.
/// </summary>
internal static class NodeQueries
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    // One channel per node URL for the test run: it reconnects by itself when the node restarts.
    private static readonly ConcurrentDictionary<string, VoteChainApi.VoteChainApiClient> Clients = new();

    /// <summary>The node's height, or 0 while it does not answer (stopped, restarting).</summary>
    public static async Task<ulong> HeightAsync(string node)
    {
        try
        {
            return (await Api(node).GetStatusAsync(new GetStatusRequest(), deadline: Deadline())).Height;
        }
        catch (RpcException)
        {
            return 0;
        }
    }

    /// <summary>The hash of the node's block at <paramref name="height"/>, in hex.</summary>
    public static async Task<string> BlockHashAsync(string node, ulong height) =>
        Convert.ToHexStringLower((await Api(node).GetBlockAsync(new GetBlockRequest { Height = height }, deadline: Deadline())).BlockHash.Span);

    /// <summary>The time of the node's latest block: block time, by which elections open and close.</summary>
    public static async Task<DateTimeOffset> HeadTimeAsync(string node)
    {
        var height = (await Api(node).GetStatusAsync(new GetStatusRequest(), deadline: Deadline())).Height;
        var block = Block.Parser.ParseFrom((await Api(node).GetBlockAsync(new GetBlockRequest { Height = height }, deadline: Deadline())).Block);
        return DateTimeOffset.FromUnixTimeMilliseconds(BlockHeader.Parser.ParseFrom(block.Header).TimeUnixMs);
    }

    /// <summary>The election's tally at the node's committed height, or null while the node does not answer.</summary>
    public static async Task<TallyRecord?> TallyAsync(string node, string election)
    {
        try
        {
            return (await Api(node).GetTallyAsync(new GetTallyRequest { ElectionId = election }, deadline: Deadline())).Tally;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    private static VoteChainApi.VoteChainApiClient Api(string node) =>
        Clients.GetOrAdd(node, url => new VoteChainApi.VoteChainApiClient(GrpcChannel.ForAddress(url)));

    private static DateTime Deadline() => DateTime.UtcNow + CallTimeout;
}
