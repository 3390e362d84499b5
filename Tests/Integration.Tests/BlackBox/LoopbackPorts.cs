using System.Net;
using System.Net.Sockets;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>Ports on 127.0.0.1 for node processes the tests start: a devnet needs a run of consecutive ones.</summary>
internal static class LoopbackPorts
{
    /// <summary>A devnet node's web port is its API port plus this (DevnetLayout.WebPortOffset, documented in the README).</summary>
    public const int WebPortOffset = 100;

    // Below Linux's ephemeral range (32768-60999 by default). A port from that range can be free when it is chosen and
    // then taken as the local end of any process's outgoing connection before a node (re)binds it: a devnet node killed
    // and restarted once found its web port so taken. Ports down here are only ever handed out on request.
    private const int LowestPort = 15000;
    private const int DefaultEphemeralStart = 32768;

    // Ports handed out in this test run are not handed out again: they are free when chosen but bound only later.
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A run of consecutive ports that are free now (loopback only), and the run a devnet puts its nodes' web endpoints
    /// on (<see cref="WebPortOffset"/> above), both outside the ephemeral range.
    /// </summary>
    public static int FreeRange(int count)
    {
        var highest = EphemeralStart() - WebPortOffset - count;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(LowestPort, highest);
            var web = first + WebPortOffset;
            var run = Enumerable.Range(first, count).Concat(Enumerable.Range(web, count)).ToArray();
            lock (HandedOut)
            {
                if (run.All(port => !HandedOut.Contains(port) && IsFree(port)))
                {
                    HandedOut.UnionWith(run);
                    return first;
                }
            }
        }

        throw new AssertionException("no free run of ports on 127.0.0.1");
    }

    /// <summary>One free port outside the ephemeral range, for a node a test may stop and start again on it.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, EphemeralStart());
            lock (HandedOut)
            {
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new AssertionException("no free port on 127.0.0.1");
    }

    private static int EphemeralStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var text = File.Exists(range) ? File.ReadAllText(range) : "";
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2 && int.TryParse(fields[0], out var start) && start > LowestPort + 1000 ? start : DefaultEphemeralStart;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
