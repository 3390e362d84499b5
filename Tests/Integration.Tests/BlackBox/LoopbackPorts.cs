using System.Net;
using System.Net.Sockets;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>Ports on 127.0.0.1 for node processes the tests start: a devnet needs a run of consecutive ones.</summary>
internal static class LoopbackPorts
{
    /// <summary>A devnet node's web port is its API port plus this (DevnetLayout.WebPortOffset, documented in the README).</summary>
    public const int WebPortOffset = 100;

    /// <summary>
    /// A run of consecutive ports that are free now (loopback only), and the run a devnet puts its nodes' web endpoints
    /// on (<see cref="WebPortOffset"/> above).
    /// </summary>
    public static int FreeRange(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var first = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var web = first + WebPortOffset;
            if (web + count < 65000 && Enumerable.Range(first, count).All(IsFree) && Enumerable.Range(web, count).All(IsFree))
            {
                return first;
            }
        }

        throw new AssertionException("no free run of ports on 127.0.0.1");
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
