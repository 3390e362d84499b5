using System.CommandLine;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary><c>votechain status</c>: what a node knows of its chain and its peers.</summary>
internal static class StatusCommand
{
    public static Command Build(CommandRunner runner)
    {
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("status", "Show a node's chain, role, height, head, view, peers, mempool, sync state and evidence count.") { node, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var status = session.Status();
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, ToJson(status));
                return;
            }

            stdout.WriteLine($"chain:        {status.ChainId}");
            stdout.WriteLine($"node:         {status.Name} ({status.Role})");
            stdout.WriteLine($"height:       {status.Height}");
            stdout.WriteLine($"head:         {HexInput.Format(status.HeadHash.Span)}");
            stdout.WriteLine($"view:         {status.View}");
            stdout.WriteLine($"mempool:      {status.MempoolSize}");
            stdout.WriteLine($"syncing:      {(status.Syncing ? "yes" : "no")}");
            stdout.WriteLine($"evidence:     {status.EvidenceCount}");
            stdout.WriteLine($"peers:        {status.Peers.Count(p => p.Connected)} of {status.Peers.Count} connected");
            if (status.Peers.Count > 0)
            {
                new TextTable(["peer", "endpoint", "connected", "height"], status.Peers
                    .Select(p => new[] { p.Name, p.Endpoint, p.Connected ? "yes" : "no", p.Height.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                    .ToList()).Write(stdout);
            }
        });
        return command;
    }

    private static StatusJson ToJson(NodeStatus s) => new(
        s.ChainId, s.Role, s.Name, s.Height, HexInput.Format(s.HeadHash.Span), s.View, HexInput.Format(s.GenesisHash.Span),
        s.MempoolSize, s.Syncing, s.EvidenceCount,
        [.. s.Peers.Select(p => new PeerJson(p.Name, p.Endpoint, HexInput.Format(p.PublicKey.Span), p.Connected, p.Height))]);

    private sealed record StatusJson(string ChainId, string Role, string Name, ulong Height, string HeadHash, ulong View,
        string GenesisHash, uint MempoolSize, bool Syncing, ulong Evidence, IReadOnlyList<PeerJson> Peers);

    private sealed record PeerJson(string Name, string Endpoint, string PublicKey, bool Connected, ulong Height);
}
