using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// The checks and bookkeeping a plaintext and an encrypted vote share: the voting window, the casting credential,
/// the single-spend and revote rule, and the counted ballots. One home, so the two kinds of vote cannot drift apart.
/// </summary>
internal static class VoteChecks
{
    public static Rejection? Window(ElectionRecord election, BlockContext block)
    {
        var definition = election.Definition;
        return block.TimeUnixMs < definition.OpensAtUnixMs
            ? new Rejection(RejectCode.ElectionNotOpen, $"Election '{definition.ElectionId}' has not opened yet.")
            : CommonChecks.NotClosed(election, block);
    }

    /// <summary>The signer's credential, registered and not revoked.</summary>
    public static Rejection? Voter(IStateReader state, string electionId, byte[] signer, out CredentialRecord credential)
    {
        var found = state.GetCredential(electionId, signer);
        credential = found!;
        if (found is null)
        {
            return new Rejection(RejectCode.NotRegistered,
                $"Credential {CommonChecks.Short(signer)} is not registered in election '{electionId}'.");
        }

        if (found.Roll)
        {
            return new Rejection(RejectCode.RollOnly,
                $"Key {CommonChecks.Short(signer)} is on the roll of anonymous election '{electionId}': it asks the issuers for a credential, " +
                "and only that credential, once registered, can vote.");
        }

        return found.Revoked
            ? new Rejection(RejectCode.CredentialRevoked, $"Credential {CommonChecks.Short(signer)} has been revoked.")
            : null;
    }

    /// <summary>A first vote needs sequence ≥ 1; a revote needs revoting allowed and a sequence above the counted one.</summary>
    public static Rejection? Sequence(IStateReader state, CreateElection definition, byte[] signer, ulong sequence,
        out BallotRecord? previous)
    {
        previous = null;
        if (sequence == 0)
        {
            return new Rejection(RejectCode.StaleSequence, "A vote's sequence number starts at 1.");
        }

        previous = state.GetBallot(definition.ElectionId, signer);
        if (previous is not null && !definition.AllowRevote)
        {
            return new Rejection(RejectCode.AlreadyVoted,
                $"Credential {CommonChecks.Short(signer)} has already voted in election '{definition.ElectionId}', which does not allow revoting.");
        }

        if (previous is not null && sequence <= previous.Sequence)
        {
            return new Rejection(RejectCode.StaleSequence,
                $"Vote sequence {sequence} is not above the counted vote's sequence {previous.Sequence}.");
        }

        return null;
    }

    /// <summary>
    /// A first vote adds a counted ballot and its weight, and ends the voter's appointment of a proxy if one is in force
    /// (its own vote overrides it); a revote replaces a ballot already counted. Call it before the ballot is written.
    /// </summary>
    public static void Count(StateOverlay state, TallyRecord tally, string electionId, byte[] signer, BallotRecord? previous,
        CredentialRecord credential)
    {
        if (previous is null)
        {
            DelegationBook.Release(state, tally, electionId, signer, credential);
            DelegationBook.CountBallot(tally, credential, adding: true);
        }
    }

    public static BallotRecord Ballot(VerifiedTx tx, BlockContext block, ulong sequence) => new()
    {
        Sequence = sequence,
        TxId = ByteString.CopyFrom(tx.Id),
        Height = block.Height,
        Counted = true,
    };
}
