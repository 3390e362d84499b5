using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// The prepare-then-decide Benaloh challenge of <c>vote</c>: <c>--prepare FILE</c> encrypts and commits to a ballot
/// (its fingerprint printed, nothing submitted); then either <c>--cast FILE</c> submits that exact ballot, never
/// printing its randomness, or <c>--audit-ballot --prepared FILE</c> opens it and spoils the file. A client that
/// cheats only on ballots it expects to be cast is caught with the probability that the voter audits.
/// </summary>
internal static class PreparedVote
{
    public static void Prepare(string path, BallotAudit ballot, SecretBallotSettings settings, IReadOnlyList<uint> marked,
        TextWriter stdout, bool asJson)
    {
        PreparedBallot.Create(path, ballot);
        var names = ballot.Options.Select(o => o.Name).ToList();
        var choice = new VoteCommand.Choice(ballot.ElectionId, names, marked, settings, ballot.Fingerprint);
        if (asJson)
        {
            // Never the randomness: it stays in the file until the voter decides.
            JsonOutput.Write(stdout, new PreparedJson(Path.GetFullPath(path), ballot.ElectionId, ballot.Fingerprint,
                string.Join(",", marked.Select(m => names[(int)m])), marked.Count == 1 ? marked[0] : null, [.. marked], ballot.Weight,
                ballot.JointKey, (uint)settings.Trustees.Count, settings.Threshold));
            return;
        }

        stdout.WriteLine($"PREPARED, NOT CAST: election '{ballot.ElectionId}': {choice.Marks}, weight {ballot.Weight}");
        stdout.WriteLine(ElectionKey.TrusteesLine(settings));
        stdout.WriteLine($"fingerprint: {ballot.Fingerprint}");
        stdout.WriteLine($"file: {path} (private: its randomness reveals your choice until the ballot is used)");
        stdout.WriteLine($"next, one of: votechain vote --cast {path} --key KEY   or   votechain vote --audit-ballot --prepared {path}");
    }

    /// <summary>Opens a prepared ballot: the file is marked spoiled first, so its opening is never shown while it is castable.</summary>
    public static void Open(string path, TextWriter stdout, bool asJson)
    {
        var file = PreparedBallot.Load(path);
        file.MarkSpoiled(path);
        VoteCommand.WriteAudit(stdout, file.Ballot, asJson);
    }

    /// <summary>
    /// Casts a prepared ballot after checking it is still the ballot this voter can cast here: not opened or cast, for
    /// this chain, credential and election, under the joint key the node's deals give (and the pinned key), for the
    /// credential's current weight, over the same options, and internally sound (its openings and proofs).
    /// </summary>
    public static void Cast(NodeSession session, Ed25519KeyPair voter, string path, string? electionId, GroupElement? pinned,
        bool wait, TextWriter stdout, bool asJson)
    {
        var file = PreparedBallot.Load(path);
        file.EnsureCastable(path);
        var ballot = file.Ballot;
        var id = ballot.ElectionId;
        if (electionId is not null && electionId != id)
        {
            throw new UserInputException($"the ballot in {path} is for election '{id}', not '{electionId}'");
        }

        if (!string.Equals(ballot.Credential, Convert.ToHexStringLower(voter.PublicKey), StringComparison.Ordinal))
        {
            throw new UserInputException($"the ballot in {path} was prepared for the credential {ballot.Credential}, not this --key's");
        }

        if (ballot.ChainId != session.ChainId)
        {
            throw new UserInputException($"the ballot in {path} was prepared for chain '{ballot.ChainId}', not this node's '{session.ChainId}'");
        }

        var answer = session.SecretElection(id);
        var key = ElectionKey.Resolve(answer, id, pinned);
        if (!string.Equals(ballot.JointKey, key.ToString(), StringComparison.Ordinal))
        {
            throw new UserInputException($"the ballot in {path} was encrypted under {ballot.JointKey}, not election '{id}''s joint key {key}; prepare a new one");
        }

        var weight = EncryptedVote.RegisteredWeight(session, id, voter.PublicKey);
        if (weight != ballot.Weight)
        {
            throw new UserInputException($"the ballot in {path} was prepared for weight {ballot.Weight}; this credential now weighs {weight}: prepare a new one");
        }

        var names = answer.Election.Definition.Options;
        if (!ballot.Options.Select(o => o.Name).SequenceEqual(names) || ballot.Options.Where((o, i) => o.Index != i).Any())
        {
            throw new UserInputException($"the ballot in {path} lists other options than election '{id}' now has ({string.Join(", ", names)})");
        }

        // The proofs hold for the file's bounds; the election's are what the chain will check (and a mismatch found
        // only by the node would use the file up).
        var settings = answer.Election.Secret;
        if (ballot.MinChoices != settings.MinChoices || ballot.MaxChoices != settings.MaxChoices)
        {
            throw new UserInputException(
                $"the ballot in {path} was prepared for {ballot.MinChoices} to {ballot.MaxChoices} choices; election '{id}' takes {settings.MinChoices} to {settings.MaxChoices}: prepare a new one");
        }

        if (ballot.Problems(key) is { Count: > 0 } problems)
        {
            throw new UserInputException($"the ballot in {path} is not sound, refusing to cast it: {string.Join("; ", problems)}");
        }

        var marked = ballot.Options.Where(o => o.Chosen).Select(o => (uint)o.Index).ToList();
        var choice = new VoteCommand.Choice(id, [.. names], marked, answer.Election.Secret, file.Fingerprint);
        var sequence = VoteCommand.NextSequence(session, id, voter.PublicKey);
        var payload = new TxPayload { CastEncryptedVote = ballot.ToPayload(sequence) };
        VoteCommand.Announce(stdout, asJson, choice);
        file.MarkCast(path);
        VoteCommand.Submit(session, voter, payload, choice, sequence, wait, stdout, asJson);
    }

    /// <summary>What --prepare --json prints: everything but the randomness.</summary>
    private sealed record PreparedJson(string File, string ElectionId, string Fingerprint, string Option, uint? OptionIndex,
        IReadOnlyList<uint> Options, ulong Weight, string JointKey, uint Trustees, uint Threshold)
    {
        public bool Cast => false;
    }
}
