using VoteChain.Node.PaperBallots;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Ballots;

/// <summary>Which elections a paper ballot can serve: one mark among the options a page holds, with a credential the authority registers.</summary>
internal static class PaperElection
{
    /// <summary>
    /// Why an election that allows revoting cannot take paper ballots (printed or scanned): the key is on the paper, so
    /// anyone who once saw or photographed the QR code could replace the scanned vote with a revote of their own.
    /// </summary>
    public static string? RevoteProblem(ElectionRecord record) => record.Definition.AllowRevote
        ? $"election '{record.Definition.ElectionId}' allows revoting: whoever copied a ballot's QR code could replace its scanned vote, " +
            "so paper ballots need an election without --allow-revote"
        : null;

    public static void EnsurePrintable(ElectionRecord record)
    {
        var id = record.Definition.ElectionId;
        if (record.Anonymous is not null)
        {
            throw new UserInputException(
                $"election '{id}' is anonymous: its credentials are registered with the issuers' blind signatures, not by an authority, so paper ballots cannot carry them");
        }

        if (RevoteProblem(record) is { } revote)
        {
            throw new UserInputException(revote);
        }

        if (record.Secret is { } secret && (secret.MinChoices > 1 || secret.MaxChoices < 1))
        {
            throw new UserInputException(
                $"election '{id}' takes {secret.MinChoices} to {secret.MaxChoices} marks per ballot; a paper ballot is read as exactly one mark");
        }

        if (record.Definition.Options.Count > BallotLayout.MaxOptions)
        {
            throw new UserInputException(
                $"election '{id}' has {record.Definition.Options.Count} options; a paper ballot page holds at most {BallotLayout.MaxOptions}");
        }
    }
}
