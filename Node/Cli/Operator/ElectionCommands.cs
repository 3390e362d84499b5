using System.CommandLine;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary><c>votechain election create|show|list</c>.</summary>
internal static class ElectionCommands
{
    public static Command Build(CommandRunner runner) => new("election", "Create and inspect elections.")
    {
        ElectionCreateCommand.Build(runner),
        Show(runner),
        List(runner),
    };

    private static Command Show(CommandRunner runner)
    {
        var id = new Option<string>("--id") { Description = "Election id.", Required = true };
        var voter = new Option<string?>("--voter")
        {
            Description = "A credential's public key (hex): also show its registration, its vote, whom it appointed as proxy and " +
                "whether its weight was used, and the weight it holds as a proxy.",
        };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("show",
            "Show one election's definition; for a secret election also its trustees, threshold, choice bounds, where key " +
            "generation stands and how far decryption got; with --voter, where one credential stands.") { id, voter, node, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var record = session.Election(parseResult.GetRequiredValue(id));
            var election = ToJson(record);
            var voterStanding = parseResult.GetValue(voter) is { } hex
                ? VoterStanding.Read(session, record, HexInput.PublicKey(hex, "--voter"))
                : null;
            var secret = record.Secret is null ? null : SecretElectionSummary.ToJson(session.SecretElection(record.Definition.ElectionId));
            var anonymous = record.Anonymous is not { } settings
                ? null
                : new AnonymousJson([.. settings.Issuers.Select(k => HexInput.Format(k.Span))],
                    GenesisTime.Format(settings.IssuingClosesAtUnixMs), GenesisTime.Format(settings.RegistrationOpensAtUnixMs));
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, new ShownJson(election, secret, anonymous, voterStanding));
                return;
            }

            stdout.WriteLine($"id:           {election.ElectionId}");
            stdout.WriteLine($"title:        {election.Title}");
            stdout.WriteLine($"options:      {string.Join(", ", election.Options.Select((o, i) => $"{i} {o}"))}");
            stdout.WriteLine($"opens at:     {election.OpensAt}");
            stdout.WriteLine($"closes at:    {election.ClosesAt}");
            stdout.WriteLine($"allow revote: {(election.AllowRevote ? "yes" : "no")}");
            stdout.WriteLine($"delegation:   {(election.AllowDelegation ? "allowed (holders may appoint a proxy until the close)" : "not allowed")}");
            stdout.WriteLine($"creator:      {election.Creator}");
            stdout.WriteLine($"created:      height {election.CreatedHeight}, tx {election.CreatedTx}");
            if (secret is null)
            {
                stdout.WriteLine("ballot:       open (plaintext votes on the public ledger)");
            }
            else
            {
                SecretElectionSummary.WriteText(stdout, secret);
            }

            if (anonymous is not null)
            {
                stdout.WriteLine($"eligibility:  anonymous: the roll asks the issuers for credentials; only credentials vote");
                stdout.WriteLine($"issuers:      {string.Join(", ", anonymous.Issuers)} (every one signs every credential)");
                stdout.WriteLine($"issuing:      until {anonymous.IssuingClosesAt} (the roll closes then)");
                stdout.WriteLine($"registering:  from {anonymous.RegistrationOpensAt}");
            }

            voterStanding?.WriteText(stdout);
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("list", "List the elections on the chain.") { node, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var elections = session.Client.Call(
                api => api.ListElectionsAsync(new ListElectionsRequest(), deadline: NodeClient.Deadline()), "election list")
                .Elections.Select(ToJson).ToList();
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, new { elections });
                return;
            }

            if (elections.Count == 0)
            {
                stdout.WriteLine("no elections");
                return;
            }

            new TextTable(["id", "title", "options", "opens at", "closes at", "revote"], elections
                .Select(e => new[] { e.ElectionId, e.Title, e.Options.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), e.OpensAt, e.ClosesAt, e.AllowRevote ? "yes" : "no" })
                .ToList()).Write(stdout);
        });
        return command;
    }

    private static ElectionJson ToJson(ElectionRecord r) => new(
        r.Definition.ElectionId, r.Definition.Title, [.. r.Definition.Options],
        GenesisTime.Format(r.Definition.OpensAtUnixMs), GenesisTime.Format(r.Definition.ClosesAtUnixMs), r.Definition.AllowRevote,
        HexInput.Format(r.Creator.Span), r.CreatedHeight, HexInput.Format(r.CreatedTx.Span), r.Definition.AllowDelegation);

    /// <summary>
    /// election show --json: the definition's fields as before, then the ballot mode and, if secret, its state; for an
    /// anonymous election its issuers and windows.
    /// </summary>
    private sealed record ShownJson(string ElectionId, string Title, IReadOnlyList<string> Options, string OpensAt, string ClosesAt,
        bool AllowRevote, string Creator, ulong CreatedHeight, string CreatedTx, string BallotMode, SecretElectionSummary.SecretJson? Secret,
        AnonymousJson? Anonymous, bool AllowDelegation, VoterStanding.VoterJson? Voter)
    {
        public ShownJson(ElectionJson e, SecretElectionSummary.SecretJson? secret, AnonymousJson? anonymous, VoterStanding? voter)
            : this(e.ElectionId, e.Title, e.Options, e.OpensAt, e.ClosesAt, e.AllowRevote, e.Creator, e.CreatedHeight, e.CreatedTx,
                secret is null ? "open" : "secret", secret, anonymous, e.AllowDelegation, voter?.Json)
        {
        }
    }

    private sealed record AnonymousJson(IReadOnlyList<string> Issuers, string IssuingClosesAt, string RegistrationOpensAt);

    private sealed record ElectionJson(string ElectionId, string Title, IReadOnlyList<string> Options, string OpensAt, string ClosesAt,
        bool AllowRevote, string Creator, ulong CreatedHeight, string CreatedTx, bool AllowDelegation);
}
