using System.CommandLine;
using System.Text.Json;
using VoteChain.Consensus.Ballots;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Files;

namespace VoteChain.Node.Cli.Verify;

/// <summary>
/// <c>votechain ballot check</c>: verifies a ballot audit (<c>vote --audit-ballot --json</c>) against the election's
/// joint key, so the voter need not take the client's word that it encrypted their choice.
/// </summary>
internal static class BallotCheckCommand
{
    public static Command Build(CommandRunner runner) => new("ballot", "Check encrypted ballots of secret elections.")
    {
        Check(runner),
    };

    private static Command Check(CommandRunner runner)
    {
        var file = new Option<string>("--file")
        {
            Description = "The ballot audit: what `votechain vote --audit-ballot --json` printed.",
            Required = true,
        };
        var jointKey = new Option<string?>("--joint-key")
        {
            Description = "The election's joint key (hex) from a source you trust; default: ask --node (GetSecretElection).",
        };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("check",
            "Verify a ballot audit: for each option A = r·G and B = v·G + r·H under the election's joint key H, v the " +
            "weight if marked and 0 if not, and the ballot's proofs valid for its chain, election, credential and weight.")
        {
            file, jointKey, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var audit = Load(parseResult.GetRequiredValue(file));
            var key = parseResult.GetValue(jointKey) is { } hex
                ? ElectionKey.Parse(hex)
                : FetchKey(parseResult.GetRequiredValue(node), ClientTls.From(parseResult), audit.ElectionId);
            var problems = audit.Problems(key);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, new CheckedJson(audit.ElectionId, problems.Count == 0, problems));
            }
            else
            {
                foreach (var option in audit.Options)
                {
                    stdout.WriteLine($"option {option.Index} '{option.Name}': {(option.Chosen ? "marked" : "not marked")}, encrypts {option.Value}");
                }
            }

            if (problems.Count > 0)
            {
                throw new UserInputException($"ballot audit FAILED: {string.Join("; ", problems)}");
            }

            if (!parseResult.GetValue(json))
            {
                stdout.WriteLine($"verified: every option encrypts what it says under the joint key of election {audit.ElectionId}, and the proofs hold");
            }
        });
        return command;
    }

    private static BallotAudit Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read the ballot audit {path}: {e.Message}");
        }

        try
        {
            return JsonOutput.Read<BallotAudit>(text) is { Options: not null, OptionProofs: not null } audit
                ? audit
                : throw new UserInputException($"{path} is not a ballot audit (from vote --audit-ballot --json)");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a ballot audit (from vote --audit-ballot --json): {e.Message}");
        }
    }

    private static GroupElement FetchKey(string url, ClientTls tls, string electionId)
    {
        using var session = new NodeSession(url, tls);
        return ElectionKey.Resolve(session.SecretElection(electionId), electionId, pinned: null);
    }

    private sealed record CheckedJson(string ElectionId, bool Verified, IReadOnlyList<string> Problems);
}
