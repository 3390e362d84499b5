using System.CommandLine;
using System.Globalization;
using VoteChain.Node.Cli.Client;
using VoteChain.Consensus.Crypto;
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
        var key = new Option<string>("--key") { Description = "Key file of the voter (from `votechain keys generate`)." };
        var election = new Option<string>("--election") { Description = "Election id (with --cast, the prepared ballot's)." };
        var option = new Option<string[]>("--option")
        {
            Description = "The choice: its name, or its index (0, 1, ...) if no option has that name. In an approval " +
                "election mark several: repeat --option, or give a comma list (--option 0,2 or --option red,blue). " +
                "The option's index and name are printed before the vote is sent: the option list comes from the node.",
        };
        var blank = new Option<bool>("--blank")
        {
            Description = "Mark no option: only in an approval election whose --min-choices is 0.",
        };
        var audit = new Option<bool>("--audit-ballot")
        {
            Description = "Secret elections: check that your machine encrypts what you chose (a Benaloh challenge). With " +
                "--prepared FILE it opens that prepared ballot and marks it spoiled: this is the real challenge, since the " +
                "client committed to the ballot before you chose to audit or cast it. Alone, it encrypts afresh and prints the " +
                "opening (each option's randomness r and value v), NOT submitted; a cheating client that knows it is being " +
                "audited could encrypt honestly only then, so prefer --prepare. Anyone can check A = r·G and B = v·G + r·H " +
                "against the joint key H, e.g. `votechain ballot check --file` on the --json output. An audited ballot must never be cast.",
        };
        var prepare = new Option<string?>("--prepare")
        {
            Description = "Secret elections: encrypt exactly as for casting, write the ballot with its randomness to this new " +
                "file (0600), print its fingerprint, and submit nothing. Then either cast it (--cast FILE) or audit it " +
                "(--audit-ballot --prepared FILE), never both.",
        };
        var cast = new Option<string?>("--cast") { Description = "Cast the ballot prepared in this file (with --key); refused once it was opened or cast." };
        var prepared = new Option<string?>("--prepared") { Description = "With --audit-ballot: the prepared ballot file to open (it can then never be cast)." };
        var jointKey = new Option<string?>("--joint-key")
        {
            Description = "Secret elections: the joint key (hex) from the election's published material or `votechain election " +
                "show` on nodes you trust; refuse if the node's key differs. Without it you trust the node you talk to: it " +
                "could hand out a key whose secret it knows (cross-check `election show --node A` against `--node B`).",
        };
        var wait = OperatorOptions.Wait("the vote is committed, and print its height");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("vote",
            "Cast (or, where the election allows it, replace) a vote. In a secret election it is encrypted on this machine " +
            "under the election's joint key; unless you pin that key with --joint-key you trust the node's answer for it.")
        {
            key, election, option, blank, audit, prepare, cast, prepared, jointKey, wait, node, json,
        };
        command.Validators.Add(result => Validate(result, new VoteModes(key, election, option, blank, audit, prepare, cast, prepared, wait)));
        runner.Attach(command, (parseResult, stdout) =>
        {
            var asJson = parseResult.GetValue(json);
            if (parseResult.GetValue(prepared) is { } preparedFile)
            {
                PreparedVote.Open(preparedFile, stdout, asJson);
                return;
            }

            var pinned = parseResult.GetValue(jointKey) is { } hex ? ElectionKey.Parse(hex) : null;
            using var voter = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            if (parseResult.GetValue(cast) is { } castFile)
            {
                PreparedVote.Cast(session, voter, castFile, parseResult.GetValue(election), pinned, parseResult.GetValue(wait), stdout, asJson);
                return;
            }

            var id = parseResult.GetRequiredValue(election);
            var record = session.Election(id);
            var definition = record.Definition;
            var marked = Marked(definition, parseResult.GetValue(option) ?? []);
            var auditOnly = parseResult.GetValue(audit);
            var encryptionOnly = auditOnly || parseResult.GetValue(prepare) is not null || pinned is not null;
            if (record.Secret is null && (marked.Count != 1 || encryptionOnly))
            {
                throw new UserInputException(encryptionOnly
                    ? $"election '{id}' is open (plaintext votes): there is no encryption to audit, prepare or pin a key for"
                    : $"election '{id}' takes exactly one option per vote; {marked.Count} given");
            }

            if (record.Secret is null)
            {
                var standing = session.Voter(id, voter.PublicKey);
                var sequence = (standing.Ballot?.Sequence ?? 0) + 1;
                var plain = new Choice(id, definition.Options, marked, null, null);
                Announce(stdout, asJson, plain);
                if (!asJson && standing.Credential is { ReceivedCount: > 0 } proxy)
                {
                    // A proxy should know what its vote weighs before it sends it (docs/DELEGATION.md).
                    stdout.WriteLine($"as a proxy: this vote also carries weight {proxy.ReceivedWeight} of {proxy.ReceivedCount} " +
                        $"holder{(proxy.ReceivedCount == 1 ? "" : "s")} who appointed you and have not voted");
                }
                Submit(session, voter, new TxPayload { CastVote = new CastVote { ElectionId = id, Option = marked[0], Sequence = sequence } },
                    plain, sequence, parseResult.GetValue(wait), stdout, asJson);
                return;
            }

            var ballot = EncryptedVote.Create(session, id, voter.PublicKey, marked, pinned);
            if (parseResult.GetValue(prepare) is { } prepareFile)
            {
                PreparedVote.Prepare(prepareFile, ballot, record.Secret, marked, stdout, asJson);
                return;
            }

            if (auditOnly)
            {
                WriteAudit(stdout, ballot, asJson);
                return;
            }

            var next = NextSequence(session, id, voter.PublicKey);
            var choice = new Choice(id, definition.Options, marked, record.Secret, ballot.Fingerprint);
            Announce(stdout, asJson, choice);
            Submit(session, voter, new TxPayload { CastEncryptedVote = ballot.ToPayload(next) }, choice, next, parseResult.GetValue(wait), stdout, asJson);
        });
        return command;
    }

    /// <summary>The options that go together: plain/prepare (key, election, a choice), --cast FILE (key), --audit-ballot --prepared FILE.</summary>
    private sealed record VoteModes(Option<string> Key, Option<string> Election, Option<string[]> Option, Option<bool> Blank,
        Option<bool> Audit, Option<string?> Prepare, Option<string?> Cast, Option<string?> Prepared, Option<bool> Wait);

    private static void Validate(System.CommandLine.Parsing.CommandResult result, VoteModes m)
    {
        var given = result.GetValue(m.Option) is { Length: > 0 };
        var choice = given || result.GetValue(m.Blank);
        string? error;
        if (result.GetValue(m.Prepared) is not null)
        {
            error = !result.GetValue(m.Audit) ? "--prepared FILE is opened with --audit-ballot (to cast it, use --cast FILE)"
                : choice || result.GetValue(m.Cast) is not null || result.GetValue(m.Prepare) is not null || result.GetValue(m.Wait)
                    ? "--audit-ballot --prepared FILE opens a ballot already made: give no --option, --blank, --cast, --prepare or --wait"
                    : null;
        }
        else if (result.GetValue(m.Cast) is not null)
        {
            error = choice || result.GetValue(m.Audit) || result.GetValue(m.Prepare) is not null
                ? "--cast FILE casts the ballot already in the file: give no --option, --blank, --audit-ballot or --prepare"
                : result.GetValue(m.Key) is null ? "Option '--key' is required." : null;
        }
        else
        {
            error = given && result.GetValue(m.Blank) ? "give --option or --blank, not both"
                : result.GetValue(m.Audit) && result.GetValue(m.Prepare) is not null ? "--prepare makes a ballot to audit later: give --audit-ballot --prepared FILE then, not both now"
                : (result.GetValue(m.Audit) || result.GetValue(m.Prepare) is not null) && result.GetValue(m.Wait)
                    ? $"{(result.GetValue(m.Audit) ? "--audit-ballot" : "--prepare")} submits nothing, so there is nothing to --wait for"
                : result.GetValue(m.Key) is null ? "Option '--key' is required."
                : result.GetValue(m.Election) is null ? "Option '--election' is required."
                : !choice ? "Option '--option' is required (or --blank)."
                : null;
        }

        if (error is not null)
        {
            result.AddError(error);
        }
    }

    internal static ulong NextSequence(NodeSession session, string id, byte[] credential) =>
        (session.Voter(id, credential).Ballot?.Sequence ?? 0) + 1;

    /// <summary>What the voter is about to send: the election, each marked option's index and name, and for a secret election who can decrypt it.</summary>
    internal sealed record Choice(string ElectionId, IReadOnlyList<string> Names, IReadOnlyList<uint> Marked, SecretBallotSettings? Secret, string? Fingerprint)
    {
        public string Marks => Marked.Count == 0 ? "blank (no option marked)"
            : $"option{(Marked.Count == 1 ? "" : "s")} {string.Join(", ", Marked.Select(m => $"{m} '{Names[(int)m]}'"))}";
    }

    /// <summary>Said before anything is sent, in text mode (the --json object carries the same fields).</summary>
    internal static void Announce(TextWriter stdout, bool asJson, Choice choice)
    {
        if (asJson)
        {
            return;
        }

        stdout.WriteLine($"voting in election '{choice.ElectionId}': {choice.Marks}");
        if (choice.Secret is not null)
        {
            stdout.WriteLine(ElectionKey.TrusteesLine(choice.Secret));
            stdout.WriteLine($"fingerprint: {choice.Fingerprint}");
        }

        stdout.Flush();
    }

    internal static void Submit(NodeSession session, Ed25519KeyPair voter, TxPayload payload, Choice choice, ulong sequence, bool wait,
        TextWriter stdout, bool asJson)
    {
        var txId = session.Submit(voter, payload, "vote");
        ulong? height = null;
        if (wait)
        {
            height = Polling.Until(() => session.Voter(choice.ElectionId, voter.PublicKey).Ballot is { } b && b.TxId.Span.SequenceEqual(txId) ? b : null,
                "the vote to commit").Height;
        }

        var result = new VotedJson(choice.ElectionId, string.Join(",", choice.Marked.Select(m => choice.Names[(int)m])),
            choice.Marked.Count == 1 ? choice.Marked[0] : null, [.. choice.Marked], choice.Secret is not null, sequence,
            HexInput.Format(txId), height, choice.Fingerprint, choice.Secret is null ? null : (uint)choice.Secret.Trustees.Count,
            choice.Secret?.Threshold);
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
    }

    internal static void WriteAudit(TextWriter stdout, BallotAudit audit, bool asJson)
    {
        if (asJson)
        {
            JsonOutput.Write(stdout, audit);
            return;
        }

        stdout.WriteLine($"AUDIT ONLY, NOT CAST: election {audit.ElectionId} on chain {audit.ChainId}, weight {audit.Weight}");
        stdout.WriteLine($"joint key H: {audit.JointKey}");
        stdout.WriteLine($"fingerprint: {audit.Fingerprint}");
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
    /// <summary>
    /// fingerprint (secret only): SHA-256 of the cast ciphertexts; trustees and threshold (secret only): how many
    /// trustees are named and how many of them can decrypt.
    /// </summary>
    private sealed record VotedJson(string ElectionId, string Option, uint? OptionIndex, IReadOnlyList<uint> Options, bool Secret,
        ulong Sequence, string TxId, ulong? CommittedHeight, string? Fingerprint, uint? Trustees, uint? Threshold);
}
