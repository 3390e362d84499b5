using System.Text.Json;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// A ballot encrypted by <c>vote --prepare</c> and not yet used: the file makes the Benaloh challenge a real one,
/// because the client commits to the ballot (its fingerprint is printed) before the voter decides whether to cast
/// it or open it. A ballot is used once: opened (state "spoiled", never castable, since its randomness is known) or
/// cast (state "cast", its randomness erased from the file so the file cannot later prove the vote to anyone).
/// The file is private (0600): until it is used, its randomness reveals the choice.
/// </summary>
internal sealed record PreparedBallot(string State, string Fingerprint, BallotAudit Ballot)
{
    public const string Prepared = "prepared";
    public const string Spoiled = "spoiled";
    public const string Cast = "cast";

    private const string What = "prepared ballot";

    /// <summary>Writes a new prepared ballot; refuses to overwrite any file.</summary>
    public static void Create(string path, BallotAudit ballot) =>
        SafeFile.CreateNew(path, Serialize(new PreparedBallot(Prepared, ballot.Fingerprint, ballot)), isPrivate: true, What);

    public static PreparedBallot Load(string path)
    {
        var text = SafeFile.ReadAllText(path, What);
        PreparedBallot? file;
        try
        {
            file = JsonOutput.Read<PreparedBallot>(text);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a prepared ballot (from vote --prepare): {e.Message}");
        }

        if (file is not { State: Prepared or Spoiled or Cast, Ballot: { Options: not null, OptionProofs: not null } })
        {
            throw new UserInputException($"{path} is not a prepared ballot (from vote --prepare)");
        }

        // The fingerprint is recomputed rather than read, so an edited ciphertext cannot pass under the printed one.
        if (!string.Equals(file.Fingerprint, file.Ballot.Fingerprint, StringComparison.Ordinal))
        {
            throw new UserInputException(
                $"{path} was altered: its ciphertexts have the fingerprint {file.Ballot.Fingerprint}, not the {file.Fingerprint} it was prepared with");
        }

        return file;
    }

    /// <summary>A one-line refusal to cast a ballot that was opened or already cast.</summary>
    public void EnsureCastable(string path)
    {
        if (State == Spoiled)
        {
            throw new UserInputException(
                $"SPOILED: the ballot in {path} was opened for audit (vote --audit-ballot --prepared), so its randomness is known and it " +
                "can never be cast; prepare a new one with vote --prepare");
        }

        if (State == Cast)
        {
            throw new UserInputException($"ALREADY_CAST: the ballot in {path} was already cast (fingerprint {Fingerprint}); prepare a new one to vote again");
        }
    }

    /// <summary>
    /// Marks the file spoiled before its opening is shown, so a ballot is never printed open while still castable.
    /// A cast ballot is refused: opening it would reveal the vote.
    /// </summary>
    public void MarkSpoiled(string path)
    {
        if (State == Cast)
        {
            throw new UserInputException(
                $"ALREADY_CAST: the ballot in {path} was cast, so it cannot be opened: that would reveal the vote (and its randomness was erased)");
        }

        if (State != Spoiled)
        {
            SafeFile.Replace(path, Serialize(this with { State = Spoiled }), What, isPrivate: true);
        }
    }

    /// <summary>
    /// Marks the file cast and erases its randomness, before submitting: a failed submission burns the file (prepare
    /// again) rather than leave a ballot that is both on its way to the chain and still openable.
    /// </summary>
    public void MarkCast(string path)
    {
        EnsureCastable(path);
        var erased = Ballot with { Options = [.. Ballot.Options.Select(o => o with { Randomness = "" })] };
        SafeFile.Replace(path, Serialize(new PreparedBallot(Cast, Fingerprint, erased)), What, isPrivate: true);
    }

    private static string Serialize(PreparedBallot file)
    {
        using var writer = new StringWriter();
        JsonOutput.Write(writer, file);
        return writer.ToString();
    }
}
