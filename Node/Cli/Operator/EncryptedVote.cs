using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// A secret election's vote, made on the voter's machine: the joint key as the chain holds it, the credential's
/// registered weight, each option encrypted (the weight if marked, 0 if not) with proofs bound to this chain,
/// election, credential and weight. The same ballot is cast or, for a Benaloh audit, opened and never cast.
/// </summary>
internal sealed class EncryptedVote
{
    private EncryptedVote(CastEncryptedVote payload, BallotAudit audit)
    {
        Payload = payload;
        Audit = audit;
    }

    public CastEncryptedVote Payload { get; }

    /// <summary>The opening of <see cref="Payload"/>: print it only for a ballot that will not be cast.</summary>
    public BallotAudit Audit { get; }

    public static EncryptedVote Create(NodeSession session, ElectionRecord election, byte[] credential,
        IReadOnlyList<uint> marked, ulong sequence)
    {
        var id = election.Definition.ElectionId;
        var settings = election.Secret;
        var key = JointKey(session.SecretElection(id), id);
        var registration = session.Voter(id, credential).Credential
            ?? throw new UserInputException(
                $"vote refused: NOT_REGISTERED: the key {Convert.ToHexStringLower(credential)} is not registered in election '{id}'");
        if (registration.Revoked)
        {
            throw new UserInputException($"vote refused: CREDENTIAL_REVOKED: this credential was revoked in election '{id}'");
        }

        var weight = Math.Max(registration.Weight, 1UL);
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
        var payload = new CastEncryptedVote
        {
            ElectionId = id,
            Sequence = sequence,
            Ciphertexts = { ballot.Options.Select(c => ByteString.CopyFrom(c.ToArray())) },
            OptionProofs = { ballot.OptionProofs.Select(ByteString.CopyFrom) },
            SumProof = ByteString.CopyFrom(ballot.SumProof),
        };
        var audit = BallotAudit.Open(session.ChainId, id, credential, weight, key, settings.MinChoices, settings.MaxChoices,
            [.. election.Definition.Options], choices, ballot, randomness);
        return new EncryptedVote(payload, audit);
    }

    /// <summary>The election's joint key, or a one-line refusal saying where key generation stands.</summary>
    public static GroupElement JointKey(SecretElectionResponse response, string id)
    {
        if (response.KeyPhase == "failed")
        {
            throw new UserInputException(
                $"KEY_GENERATION_FAILED: election '{id}' has no joint key and cannot take votes: its trustees' key generation failed");
        }

        if (response.KeyPhase != "final" || !GroupElement.TryParse(response.JointKey.Span, out var key) || key.IsIdentity)
        {
            throw new UserInputException(
                $"KEY_NOT_READY: election '{id}' has no final joint key yet, so nothing can be encrypted (key generation is in its " +
                $"{response.KeyPhase} phase; see votechain election show --id {id})");
        }

        return key;
    }
}
