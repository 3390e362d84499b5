using System.CommandLine;
using System.Globalization;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain vote</c>: casts a vote signed by the voter's credential. The sequence number comes from the
/// voter's committed ballot, so calling it again is a revote; the node alone decides whether that is allowed.
/// </summary>
internal static class VoteCommand
{
    public static Command Build(CommandRunner runner)
    {
        var key = OperatorOptions.Key("voter");
        var election = OperatorOptions.Election();
        var option = new Option<string>("--option") { Description = "The choice: its name, or its index (0, 1, ...) if no option has that name.", Required = true };
        var wait = OperatorOptions.Wait("the vote is committed, and print its height");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("vote", "Cast (or, where the election allows it, replace) a vote.") { key, election, option, wait, node, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var voter = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var id = parseResult.GetRequiredValue(election);
            var definition = session.Election(id).Definition;
            var choice = OptionIndex(definition, parseResult.GetRequiredValue(option));
            var sequence = (session.Voter(id, voter.PublicKey).Ballot?.Sequence ?? 0) + 1;
            var txId = session.Submit(voter, new TxPayload { CastVote = new CastVote { ElectionId = id, Option = choice, Sequence = sequence } }, "vote");
            ulong? height = null;
            if (parseResult.GetValue(wait))
            {
                height = Polling.Until(() => session.Voter(id, voter.PublicKey).Ballot is { } b && b.TxId.Span.SequenceEqual(txId) ? b : null,
                    "the vote to commit").Height;
            }

            var result = new VotedJson(id, definition.Options[(int)choice], choice, sequence, HexInput.Format(txId), height);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, result);
                return;
            }

            stdout.WriteLine(result.TxId);
            if (height is not null)
            {
                stdout.WriteLine($"committed at height {height}");
            }
        });
        return command;
    }

    private static uint OptionIndex(CreateElection definition, string text)
    {
        var byName = definition.Options.IndexOf(text);
        if (byName >= 0)
        {
            return (uint)byName;
        }

        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < definition.Options.Count)
        {
            return index;
        }

        throw new UserInputException(
            $"election '{definition.ElectionId}' has no option '{text}'; its options are {string.Join(", ", definition.Options.Select((o, i) => $"{i} '{o}'"))}");
    }

    private sealed record VotedJson(string ElectionId, string Option, uint OptionIndex, ulong Sequence, string TxId, ulong? CommittedHeight);
}
