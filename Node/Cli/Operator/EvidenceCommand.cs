using System.CommandLine;
using System.Globalization;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain evidence [--limit N]</c>: the equivocation evidence a node recorded, newest first. The JSON carries
/// both signed messages (hex), so anyone can check the evidence against the genesis validator keys.
/// </summary>
internal static class EvidenceCommand
{
    public static Command Build(CommandRunner runner)
    {
        var limit = new Option<int>("--limit")
        {
            Description = $"Records to show, newest first (1 to {ApiLimits.MaxEvidenceRecords}).",
            DefaultValueFactory = _ => (int)ApiLimits.DefaultEvidenceRecords,
        };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("evidence", "List the equivocation evidence a node recorded: validators that signed two conflicting messages.")
        {
            limit, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var count = parseResult.GetValue(limit);
            if (count < 1 || count > ApiLimits.MaxEvidenceRecords)
            {
                throw new UserInputException($"--limit must be from 1 to {ApiLimits.MaxEvidenceRecords}, got {count}");
            }

            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var request = new ListEvidenceRequest { Limit = (uint)count };
            var response = session.Client.Call(api => api.ListEvidenceAsync(request, deadline: NodeClient.Deadline()), "evidence");
            var view = new EvidenceListJson(response.Total, [.. response.Records.Select(ToJson)]);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, view);
                return;
            }

            if (view.Records.Count == 0)
            {
                stdout.WriteLine("no equivocation evidence recorded");
                return;
            }

            stdout.WriteLine($"evidence: {view.Total} recorded, newest {view.Records.Count} shown");
            // Index and genesis name share the first column: the table left-aligns only that one.
            new TextTable(["validator", "height", "view", "kind", "recorded at"], view.Records
                .Select(r => new[]
                {
                    string.Join(' ', new[] { r.ValidatorIndex.ToString(CultureInfo.InvariantCulture), r.ValidatorName }.Where(p => p.Length > 0)),
                    r.Height.ToString(CultureInfo.InvariantCulture), r.View.ToString(CultureInfo.InvariantCulture), r.Kind, r.RecordedAt,
                })
                .ToList()).Write(stdout);
        });
        return command;
    }

    private static EvidenceJson ToJson(EvidenceRecord r) => new(
        HexInput.Format(r.Id.Span), r.ValidatorIndex, r.ValidatorName, HexInput.Format(r.ValidatorPublicKey.Span), r.Height, r.View,
        EvidenceRecords.Name(r.Kind), GenesisTime.Format(r.RecordedUnixMs), HexInput.Format(r.First.Span), HexInput.Format(r.Second.Span));

    private sealed record EvidenceListJson(ulong Total, IReadOnlyList<EvidenceJson> Records);

    private sealed record EvidenceJson(string Id, uint ValidatorIndex, string ValidatorName, string ValidatorPublicKey, ulong Height,
        ulong View, string Kind, string RecordedAt, string First, string Second);
}
