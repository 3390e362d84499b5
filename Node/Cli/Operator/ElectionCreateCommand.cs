using System.CommandLine;
using Google.Protobuf;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary><c>votechain election create</c>: an authority defines an election and, with --wait, sees it committed.</summary>
internal static class ElectionCreateCommand
{
    public static Command Build(CommandRunner runner)
    {
        var key = OperatorOptions.Key("election authority");
        var id = new Option<string>("--id") { Description = "Election id: letters, digits, '.', '_', '-' (at most 64).", Required = true };
        var title = new Option<string>("--title") { Description = "Title shown to voters.", Required = true };
        var options = new Option<string[]>("--option") { Description = "A choice; repeat for each (2 to 256, distinct).", Required = true };
        var opensAt = new Option<string?>("--opens-at") { Description = "Opening time: ISO-8601 or relative (+10m, +2h, +30s, +1d); default now." };
        var closesAt = new Option<string>("--closes-at") { Description = "Closing time: ISO-8601 or relative (+10m, +2h, +30s, +1d).", Required = true };
        var allowRevote = new Option<bool>("--allow-revote") { Description = "Let a voter replace their vote until the close." };
        var allowDelegation = new Option<bool>("--allow-delegation")
        {
            Description = "Let a holder appoint a proxy (`votechain delegate`) who votes the holder's weight unless the holder " +
                "votes; open elections only (not with --secret).",
        };
        var wait = OperatorOptions.Wait("the election is committed");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var secret = new SecretElectionOptions();
        var anonymous = new AnonymousElectionOptions();
        var command = new Command("create",
            "Create an election (signed by an election authority): open (plaintext votes) or, with --secret, secret ballot; " +
            "with --anonymous, voters vote with credentials no one can link to them.")
        {
            key, id, title, options, opensAt, closesAt, allowRevote, allowDelegation, wait, node, json,
        };
        secret.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(allowDelegation) && secret.IsSecret(result))
            {
                result.AddError("--allow-delegation cannot go with --secret: each encrypted ballot is proven to carry exactly its " +
                    "own voter's weight, so a proxy's ballot could not carry its holders' weight too");
            }
        });
        anonymous.AddTo(command);
        runner.Attach(command, (parseResult, stdout) =>
        {
            var now = DateTimeOffset.UtcNow;
            var definition = new CreateElection
            {
                ElectionId = parseResult.GetRequiredValue(id),
                Title = parseResult.GetRequiredValue(title),
                Options = { parseResult.GetRequiredValue(options) },
                OpensAtUnixMs = parseResult.GetValue(opensAt) is { } opens
                    ? TimeInput.Parse(opens, "--opens-at", now)
                    : now.ToUnixTimeMilliseconds(),
                ClosesAtUnixMs = TimeInput.Parse(parseResult.GetRequiredValue(closesAt), "--closes-at", now),
                AllowRevote = parseResult.GetValue(allowRevote),
                AllowDelegation = parseResult.GetValue(allowDelegation),
                Secret = secret.Read(parseResult),
                Anonymous = anonymous.Read(parseResult, now),
            };
            using var authority = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var txId = session.Submit(authority, new TxPayload { CreateElection = definition }, "election");
            ulong? height = null;
            if (parseResult.GetValue(wait))
            {
                height = Polling.Until(() => Committed(session, definition.ElectionId, txId), $"election '{definition.ElectionId}' to commit")
                    .CreatedHeight;
            }

            var result = new CreatedJson(definition.ElectionId, HexInput.Format(txId), height);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, result);
                return;
            }

            stdout.WriteLine($"election {result.ElectionId} submitted in tx {result.TxId}");
            if (height is not null)
            {
                stdout.WriteLine($"committed at height {height}");
            }
        });
        return command;
    }

    /// <summary>The election once committed by this very transaction (another one of the same id would not count).</summary>
    private static ElectionRecord? Committed(NodeSession session, string id, byte[] txId)
    {
        var found = session.FindElection(id);
        if (found is not null && !found.CreatedTx.Span.SequenceEqual(txId))
        {
            throw new UserInputException($"election '{id}' was committed by another transaction ({HexInput.Format(found.CreatedTx.Span)})");
        }

        return found;
    }

    private sealed record CreatedJson(string ElectionId, string TxId, ulong? CommittedHeight);
}
