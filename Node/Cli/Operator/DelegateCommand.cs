using System.CommandLine;
using Google.Protobuf;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain delegate</c>: a holder appoints a proxy (--to) or withdraws the appointment (--revoke), in an election
/// that allows delegation, until it closes. The sequence comes from the holder's record on the node, so running it again
/// replaces the appointment. The rules (docs/DELEGATION.md) are the node's: this command only asks.
/// </summary>
internal static class DelegateCommand
{
    public static Command Build(CommandRunner runner)
    {
        var key = OperatorOptions.Key("holder (the voter's credential)");
        var election = OperatorOptions.Election();
        var to = new Option<string?>("--to")
        {
            Description = "Public key (hex) of the proxy: another credential registered in the election. Replaces any earlier appointment.",
        };
        var revoke = new Option<bool>("--revoke") { Description = "Withdraw the appointment: the weight counts only if you vote." };
        var wait = OperatorOptions.Wait("the change is committed, and print where your weight stands");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("delegate",
            "Appoint a proxy to vote your weight in an election that allows delegation (--to PUBHEX), or withdraw it (--revoke). " +
            "Your own vote, whenever it comes, overrides the appointment; a proxy who does not vote casts nothing for you.")
        {
            key, election, to, revoke, wait, node, json,
        };
        command.Validators.Add(result =>
        {
            var hasTo = result.GetValue(to) is not null;
            if (hasTo == result.GetValue(revoke))
            {
                result.AddError(hasTo ? "give --to PUBHEX or --revoke, not both" : "give --to PUBHEX (appoint a proxy) or --revoke (withdraw)");
            }
        });
        runner.Attach(command, (parseResult, stdout) =>
        {
            var proxy = parseResult.GetValue(to) is { } hex ? HexInput.PublicKey(hex, "--to") : [];
            var id = parseResult.GetRequiredValue(election);
            using var holder = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var record = session.Election(id);
            var sequence = (session.Voter(id, holder.PublicKey).Credential?.DelegationSequence ?? 0) + 1;
            var txId = session.Submit(holder, new TxPayload
            {
                Delegation = new Delegation { ElectionId = id, Proxy = ByteString.CopyFrom(proxy), Sequence = sequence },
            }, proxy.Length == 0 ? "withdrawal of the appointment" : "appointment");

            GetVoterResponse? committed = null;
            if (parseResult.GetValue(wait))
            {
                committed = Polling.Until(() => session.Voter(id, holder.PublicKey) is { Credential.DelegationSequence: var s } v && s >= sequence ? v : null,
                    "the delegation to commit");
            }

            var options = record.Definition.Options;
            var result = new DelegatedJson(id, HexInput.Format(holder.PublicKey), proxy.Length == 0 ? null : HexInput.Format(proxy), sequence,
                HexInput.Format(txId), committed?.Credential.DelegationHeight,
                committed?.Delegation is { } standing ? DelegationWords.ToJson(standing, options) : null);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, result);
                return;
            }

            stdout.WriteLine(result.Proxy is null
                ? $"withdrawal of your proxy in election '{id}' submitted in tx {result.TxId}"
                : $"appointment of proxy {result.Proxy} in election '{id}' submitted in tx {result.TxId}");
            if (committed is not null)
            {
                stdout.WriteLine($"committed at height {result.CommittedHeight}");
                stdout.WriteLine(result.Standing!.Sentence);
            }
        });
        return command;
    }

    /// <summary>proxy: null for a withdrawal; committed_height and standing only with --wait.</summary>
    private sealed record DelegatedJson(string ElectionId, string Holder, string? Proxy, ulong Sequence, string TxId, ulong? CommittedHeight,
        DelegationWords.DelegationJson? Standing);
}
