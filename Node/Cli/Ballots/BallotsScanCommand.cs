using System.CommandLine;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.PaperBallots;

namespace VoteChain.Node.Cli.Ballots;

/// <summary>
/// <c>votechain ballots scan</c>: the polling station's scanner. Each picture is read (QR code, then the marked box),
/// voted with the ballot's one-time key and followed until committed; each gives one line. A ballot whose mark is not
/// clear is not guessed at: a human looks at the paper and scans it again with --option. Exit 1 if any was not counted.
/// </summary>
internal static class BallotsScanCommand
{
    /// <summary>Pictures per run: a stack from a document feeder, not an unbounded list.</summary>
    public const int MaxImages = 1_000;

    public static Command Build(CommandRunner runner)
    {
        var images = new Option<string[]>("--image")
        {
            Description = "Scans or photos of marked ballots (PNG, JPEG, ...; whole page, 150 dpi or more). Repeat or list several.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var option = new Option<string?>("--option")
        {
            Description = "The option a person read on the paper, for a ballot whose mark the scanner finds unclear, blank or doubled " +
                "(with exactly one --image). Refused if the paper clearly shows another option.",
        };
        var election = new Option<string?>("--election") { Description = "Accept only ballots of this election (the polling station's)." };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("scan", "Read marked paper ballots from scans or photos and cast their votes (each ballot counts once).")
        {
            images, option, election, node, json,
        };
        // --option is what a person read on one paper: given with several pictures it would decide ballots nobody looked at.
        command.Validators.Add(result =>
        {
            if (result.GetValue(option) is not null && result.GetValue(images) is { Length: > 1 })
            {
                result.AddError("--option is what you read on one ballot: give it with exactly one --image");
            }
        });
        runner.Attach(command, (parseResult, stdout) =>
        {
            var files = parseResult.GetRequiredValue(images);
            if (files.Length > MaxImages)
            {
                throw new UserInputException($"at most {MaxImages} images per scan run, got {files.Length}");
            }

            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var voting = new PaperVote(session, parseResult.GetValue(election), parseResult.GetValue(option));
            var asJson = parseResult.GetValue(json);
            var outcomes = new List<PaperVoteOutcome>();
            foreach (var file in files)
            {
                var outcome = Scan(voting, file);
                outcomes.Add(outcome);
                // A single picture's refusal is the error line itself; with several, each gets its line here.
                if (!asJson && (outcome.Counted || files.Length > 1))
                {
                    stdout.WriteLine(outcome.Message);
                    stdout.Flush();
                }
            }

            if (asJson)
            {
                JsonOutput.Write(stdout, new ScanReport(outcomes.Count(o => o.Counted), outcomes.Count(o => !o.Counted), outcomes));
            }

            var missed = outcomes.Where(o => !o.Counted).ToList();
            if (missed.Count > 0)
            {
                throw new UserInputException(outcomes.Count == 1
                    ? missed[0].Message
                    : $"{missed.Count} of {outcomes.Count} ballots were not counted (see the lines above)");
            }
        });
        return command;
    }

    private static PaperVoteOutcome Scan(PaperVote voting, string file)
    {
        try
        {
            return voting.Cast(file, ScannedBallot.Read(file));
        }
        catch (UserInputException e)
        {
            var message = (e.Message.StartsWith(file, StringComparison.Ordinal) ? e.Message : $"{file}: {e.Message}").TrimEnd('.', ' ');
            // A vote that was sent but not seen committed in time may still count: say so rather than "not counted".
            var tail = message.Contains("may still commit", StringComparison.Ordinal)
                ? "; not confirmed yet: scan it again later, and the scanner says whether it counted"
                : "; not counted";
            return new PaperVoteOutcome(file, null, null, null, false, false, null,
                message.EndsWith("not counted", StringComparison.Ordinal) ? message : message + tail);
        }
    }

    private sealed record ScanReport(int Counted, int NotCounted, IReadOnlyList<PaperVoteOutcome> Ballots);
}
