using System.CommandLine;
using System.Globalization;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain vote</c>: casts a vote signed by the voter's credential. The sequence number comes from the
/// voter's committed ballot, so calling it again is a revote; the node alone decides whether that is allowed. In a
/// secret election the vote is encrypted here, under the election's joint key, before it leaves the machine.
/// </summary>
internal static class VoteCommand
{
    public static Command Build(CommandRunner runner)
    {
        var key = OperatorOptions.Key("voter");
        var election = OperatorOptions.Election();
        var option = new Option<string[]>("--option")
        {
            Description = "The choice: its name, or its index (0, 1, ...) if no option has that name. In an approval " +
                "election mark several: repeat --option, or give a comma list (--option 0,2 or --option red,blue).",
        };
        var blank = new Option<bool>("--blank")
        {
            Description = "Mark no option: only in an approval election whose --min-choices is 0.",
        };
        var audit = new Option<bool>("--audit-ballot")
        {
            Description = "Secret elections: check that your machine encrypts what you chose (a Benaloh challenge). The ballot " +
                "is encrypted exactly as for casting, then printed with each option's randomness r and the value v it " +
                "encrypts (the weight if marked, else 0), and NOT submitted. Anyone can check A = r·G and B = v·G + r·H " +
                "against the election's joint key H, e.g. `votechain ballot check --file` on the --json output. An audited " +
                "ballot must never be cast (its randomness is known): run vote again without this flag to vote.",
        };
        var wait = OperatorOptions.Wait("the vote is committed, and print its height");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("vote",
            "Cast (or, where the election allows it, replace) a vote. In a secret election it is encrypted on this machine.")
        {
            key, election, option, blank, audit, wait, node, json,
        };
        command.Validators.Add(result =>
        {
            var given = result.GetValue(option) is { Length: > 0 };
            if (given == result.GetValue(blank))
            {
                result.AddError(given ? "give --option or --blank, not both" : "Option '--option' is required (or --blank).");
            }
            else if (result.GetValue(audit) && result.GetValue(wait))
            {
                result.AddError("--audit-ballot submits nothing, so there is nothing to --wait for");
            }
        });
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var voter = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var id = parseResult.GetRequiredValue(election);
            var record = session.Election(id);
            var definition = record.Definition;
            var marked = Marked(definition, parseResult.GetValue(option) ?? []);
            var asJson = parseResult.GetValue(json);
            if (record.Secret is null && (marked.Count != 1 || parseResult.GetValue(audit)))
            {
                throw new UserInputException(parseResult.GetValue(audit)
                    ? $"election '{id}' is open (plaintext votes): there is no encryption to audit"
                    : $"election '{id}' takes exactly one option per vote; {marked.Count} given");
            }

            var sequence = (session.Voter(id, voter.PublicKey).Ballot?.Sequence ?? 0) + 1;
            TxPayload payload;
            if (record.Secret is null)
            {
                payload = new TxPayload { CastVote = new CastVote { ElectionId = id, Option = marked[0], Sequence = sequence } };
            }
            else
            {
                var encrypted = EncryptedVote.Create(session, record, voter.PublicKey, marked, sequence);
                if (parseResult.GetValue(audit))
                {
                    WriteAudit(stdout, encrypted.Audit, asJson);
                    return;
                }

                payload = new TxPayload { CastEncryptedVote = encrypted.Payload };
            }

            var txId = session.Submit(voter, payload, "vote");
            ulong? height = null;
            if (parseResult.GetValue(wait))
            {
                height = Polling.Until(() => session.Voter(id, voter.PublicKey).Ballot is { } b && b.TxId.Span.SequenceEqual(txId) ? b : null,
                    "the vote to commit").Height;
            }

            var result = new VotedJson(id, string.Join(",", marked.Select(m => definition.Options[(int)m])), marked.Count == 1 ? marked[0] : null,
                [.. marked], record.Secret is not null, sequence, HexInput.Format(txId), height);
            if (asJson)
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

    private static void WriteAudit(TextWriter stdout, BallotAudit audit, bool asJson)
    {
        if (asJson)
        {
            JsonOutput.Write(stdout, audit);
            return;
        }

        stdout.WriteLine($"AUDIT ONLY, NOT CAST: election {audit.ElectionId} on chain {audit.ChainId}, weight {audit.Weight}");
        stdout.WriteLine($"joint key H: {audit.JointKey}");
        foreach (var o in audit.Options)
        {
            stdout.WriteLine($"option {o.Index} '{o.Name}': {(o.Chosen ? "marked" : "not marked")}, encrypts v = {o.Value}");
            stdout.WriteLine($"  ciphertext A||B: {o.Ciphertext}");
            stdout.WriteLine($"  randomness r:    {o.Randomness}");
        }

        stdout.WriteLine("check: A = r·G and B = v·G + r·H for each option (votechain ballot check --file on the --json output).");
        stdout.WriteLine(BallotAudit.Warning);
    }

    /// <summary>The marked options, ascending and distinct. A value that is an option's name is taken whole, so names may hold commas.</summary>
    private static List<uint> Marked(CreateElection definition, IEnumerable<string> values)
    {
        var marked = new SortedSet<uint>();
        foreach (var value in values)
        {
            var pieces = definition.Options.Contains(value) ? [value] : value.Split(',', StringSplitOptions.TrimEntries);
            foreach (var piece in pieces)
            {
                if (!marked.Add(OptionIndex(definition, piece)))
                {
                    throw new UserInputException($"option '{piece}' is given twice");
                }
            }
        }

        return [.. marked];
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

    /// <summary>option_index is the single option (null when several or none are marked); options lists every marked one.</summary>
    private sealed record VotedJson(string ElectionId, string Option, uint? OptionIndex, IReadOnlyList<uint> Options, bool Secret,
        ulong Sequence, string TxId, ulong? CommittedHeight);
}
