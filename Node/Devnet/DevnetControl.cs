namespace VoteChain.Node.Devnet;

/// <summary>What an operator can ask of one node of a running devnet, from another terminal.</summary>
internal enum NodeRequest
{
    Restart,
    Stop,
}

/// <summary>
/// The files through which a running devnet and the <c>devnet restart|stop-node</c> commands talk. The running
/// devnet writes its own pid (devnet.pid) and each running node's (NODE/node.pid), and removes them when it stops
/// cleanly. A command drops a request file (NODE/restart.request, NODE/stop.request) that the devnet acts on and then
/// deletes. Only the devnet signals its nodes: it knows which exits it caused, so a requested stop is never reported
/// as a death, and a command never signals a pid the system may have handed to another program.
/// </summary>
internal sealed class DevnetControl(DevnetLayout layout)
{
    public string SupervisorPidPath => Path.Combine(layout.Folder, "devnet.pid");

    public string NodePidPath(int node) => Path.Combine(layout.Home(node), "node.pid");

    /// <summary>The pid of the devnet process running in this folder, or null when none runs.</summary>
    public int? RunningDevnet() => PidFile.ReadLive(SupervisorPidPath, "devnet");

    /// <summary>The pid of the node's process, or null when it does not run.</summary>
    public int? RunningNode(int node) => PidFile.ReadLive(NodePidPath(node), layout.Home(node));

    public void Ask(int node, NodeRequest request) => File.WriteAllText(RequestPath(node, request), DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    public bool IsAsked(int node, NodeRequest request) => File.Exists(RequestPath(node, request));

    /// <summary>Marks the request handled: the command that asked stops waiting.</summary>
    public void Done(int node, NodeRequest request) => File.Delete(RequestPath(node, request));

    private string RequestPath(int node, NodeRequest request) =>
        Path.Combine(layout.Home(node), request == NodeRequest.Restart ? "restart.request" : "stop.request");
}
