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
        var command = new Command("status",
            "Show a node's chain, role, height, head, view, peers, mempool, sync state, evidence count, the validator set in force " +
            "and any change waiting for its activation.") { node, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var status = session.Status();
            // Proposals are not shown here (governance list does): one is the least the request can ask for.
            var governance = session.GovernanceIfServed(limit: 1);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, ToJson(status, governance));
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
            WriteGovernance(stdout, governance);
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

    /// <summary>The set in force and the pending change; a node that does not serve governance gets one line saying so.</summary>
    private static void WriteGovernance(TextWriter stdout, GovernanceResponse? governance)
    {
        if (governance is null)
        {
            stdout.WriteLine("validators:   (this node does not report governance)");
            return;
        }

        stdout.WriteLine($"validators:   {governance.Validators.Count} in force from height {governance.ValidatorsFromHeight} " +
            $"(f = {governance.MaxFaulty}, quorum {governance.Quorum})");
        new TextTable(["validator", "public key", "endpoint"], governance.Validators
            .Select(v => new[] { v.Name, HexInput.Format(v.PublicKey.Span), v.Endpoint })
            .ToList()).Write(stdout);
        if (Pending(governance) is { } pending)
        {
            stdout.WriteLine($"pending:      from height {pending.ActivationHeight}: {pending.Summary}" +
                (pending.Validators is { } next ? $" ({next.Count} validators from then)" : ""));
        }
        else
        {
            stdout.WriteLine("pending:      no change");
        }
    }

    private static PendingJson? Pending(GovernanceResponse governance)
    {
        if (governance.Pending?.Proposal is not { } standing)
        {
            return null;
        }

        var view = new GovernanceView(governance);
        return new PendingJson(HexInput.Format(standing.Id.Span), standing.Record.ActivationHeight,
            view.Summary(standing.Record.Proposal, standing.Evidence),
            governance.Pending.Validators.Count == 0 ? null : [.. governance.Pending.Validators.Select(GovernanceView.ToJson)]);
    }

    private static StatusJson ToJson(NodeStatus s, GovernanceResponse? g) => new(
        s.ChainId, s.Role, s.Name, s.Height, HexInput.Format(s.HeadHash.Span), s.View, HexInput.Format(s.GenesisHash.Span),
        s.MempoolSize, s.Syncing, s.EvidenceCount,
        [.. s.Peers.Select(p => new PeerJson(p.Name, p.Endpoint, HexInput.Format(p.PublicKey.Span), p.Connected, p.Height))],
        g is null ? null : new ValidatorsJson(g.ValidatorsFromHeight, g.Validators.Count, g.MaxFaulty, g.Quorum,
            [.. g.Validators.Select(GovernanceView.ToJson)]),
        g is null ? null : Pending(g));

    /// <summary>validators and pending_change are null from a node that does not report governance; pending_change also without one.</summary>
    private sealed record StatusJson(string ChainId, string Role, string Name, ulong Height, string HeadHash, ulong View,
        string GenesisHash, uint MempoolSize, bool Syncing, ulong Evidence, IReadOnlyList<PeerJson> Peers,
        ValidatorsJson? Validators, PendingJson? PendingChange);

    /// <summary>The set in force: the first height it certifies, its size, f, its quorum and its members in index order.</summary>
    private sealed record ValidatorsJson(ulong FromHeight, int Count, uint MaxFaulty, uint Quorum, IReadOnlyList<GovernanceView.ValidatorJson> Members);

    /// <summary>An approved change not yet in force; validators: the set from its activation, for a change of validators.</summary>
    private sealed record PendingJson(string ProposalId, ulong ActivationHeight, string Summary, IReadOnlyList<GovernanceView.ValidatorJson>? Validators);

    private sealed record PeerJson(string Name, string Endpoint, string PublicKey, bool Connected, ulong Height);
}
