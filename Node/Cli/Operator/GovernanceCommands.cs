using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using VoteChain.Networking.Api;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain governance propose|approve|list</c>: membership and parameters changed on the running chain by the
/// validators in force (docs/GOVERNANCE.md). The rules are the node's; these commands build, sign, submit and show.
/// </summary>
internal static class GovernanceCommands
{
    public static Command Build(CommandRunner runner) => new("governance",
        "Propose, approve and list changes of validators, election authorities and consensus parameters (signed by validators in force).")
    {
        GovernanceProposeCommand.Build(runner),
        Approve(runner),
        List(runner),
    };

    private static Command Approve(CommandRunner runner)
    {
        var key = OperatorOptions.Key("validator (a validator in force, e.g. the node's config/node_key.json)");
        var id = new Option<string>("--id") { Description = "Id (hex) of the proposal, as `governance propose` or `governance list` print it.", Required = true };
        var wait = OperatorOptions.Wait("the approval is committed, and print whether the proposal is approved and its activation height");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("approve",
            "Approve a proposal. At a quorum of the validators in force it is approved and takes effect 3 blocks later.")
        {
            key, id, wait, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var proposalId = HexInput.Parse(parseResult.GetRequiredValue(id), "--id", Consensus.Crypto.Hashing.HashSize);
            using var validator = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var payload = new TxPayload { GovernanceApproval = new GovernanceApproval { ProposalId = ByteString.CopyFrom(proposalId) } };
            GovernanceSubmission.Run(session, validator, payload, proposalId, parseResult.GetValue(wait), parseResult.GetValue(json), stdout);
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var limit = new Option<int>("--limit")
        {
            Description = $"Proposals to show, newest first (1 to {ApiLimits.MaxGovernanceProposals}).",
            DefaultValueFactory = _ => (int)ApiLimits.DefaultGovernanceProposals,
        };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("list",
            "List governance proposals, newest first: the change, its proposer, approvals counted of those needed, status " +
            "(open, approved, in force, expired) and activation height.") { limit, node, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var count = parseResult.GetValue(limit);
            if (count < 1 || count > ApiLimits.MaxGovernanceProposals)
            {
                throw new UserInputException($"--limit must be from 1 to {ApiLimits.MaxGovernanceProposals}, got {count}");
            }

            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var governance = session.Governance((uint)count);
            var view = new GovernanceView(governance);
            var proposals = governance.Proposals.Select(view.ToJson).ToList();
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, new ListJson(governance.Height, governance.ProposalsTotal, proposals));
                return;
            }

            if (proposals.Count == 0)
            {
                stdout.WriteLine("no governance proposals");
                return;
            }

            stdout.WriteLine($"proposals: {governance.ProposalsTotal} on record, newest {proposals.Count} shown (head at height {governance.Height})");
            new TextTable(["id", "status", "approvals", "activation", "proposer", "change"], proposals
                .Select(p => new[]
                {
                    p.Id, p.Status, $"{p.CountedApprovals}/{p.NeededApprovals}",
                    p.ActivationHeight?.ToString(CultureInfo.InvariantCulture) ?? "-", p.ProposerName, p.Change.Summary,
                })
                .ToList()).Write(stdout);
        });
        return command;
    }

    private sealed record ListJson(ulong Height, ulong Total, IReadOnlyList<GovernanceView.ProposalJson> Proposals);
}
