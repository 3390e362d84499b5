using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// A secret election's vote, made on the voter's machine: the joint key as <see cref="ElectionKey"/> vouches for it,
/// the credential's registered weight, each option encrypted (the weight if marked, 0 if not) with proofs bound to
/// this chain, election, credential and weight. The result is the ballot with its opening (<see cref="BallotAudit"/>):
/// it is cast (<see cref="BallotAudit.ToPayload"/>), prepared to a file, or opened for a Benaloh audit and never cast.
/// </summary>
internal static class EncryptedVote
{
    /// <summary>Encrypts <paramref name="marked"/>; the opening it returns must be printed only for a ballot that will not be cast.</summary>
    public static BallotAudit Create(NodeSession session, string id, byte[] credential, IReadOnlyList<uint> marked, GroupElement? pinnedKey)
    {
        var answer = session.SecretElection(id);
        var key = ElectionKey.Resolve(answer, id, pinnedKey);
        var election = answer.Election;
        var settings = election.Secret;
        var weight = RegisteredWeight(session, id, credential);
        var optionCount = election.Definition.Options.Count;
        if (marked.Count < settings.MinChoices || marked.Count > settings.MaxChoices)
        {
            throw new UserInputException(settings.MinChoices == settings.MaxChoices
                ? $"election '{id}' takes exactly {settings.MinChoices} option(s) per ballot; {marked.Count} given"
                : $"election '{id}' takes {settings.MinChoices} to {settings.MaxChoices} options per ballot; {marked.Count} given");
        }

        var choices = Enumerable.Range(0, optionCount).Select(i => marked.Contains((uint)i)).ToArray();
        var context = SecretContexts.Ballot(session.ChainId, id, credential, weight);
        var ballot = EncryptedBallot.Create(context, key, weight, choices, (int)settings.MinChoices, (int)settings.MaxChoices,
            out var randomness);
        return BallotAudit.Open(session.ChainId, id, credential, weight, key, settings.MinChoices, settings.MaxChoices,
            [.. election.Definition.Options], choices, ballot, randomness);
    }

    /// <summary>The credential's registered weight (at least 1), or a one-line refusal if it is not registered or revoked.</summary>
    public static ulong RegisteredWeight(NodeSession session, string id, byte[] credential)
    {
        var registration = session.Voter(id, credential).Credential
            ?? throw new UserInputException(
                $"vote refused: NOT_REGISTERED: the key {Convert.ToHexStringLower(credential)} is not registered in election '{id}'");
        if (registration.Revoked)
        {
            throw new UserInputException($"vote refused: CREDENTIAL_REVOKED: this credential was revoked in election '{id}'");
        }

        return Math.Max(registration.Weight, 1UL);
    }
}
