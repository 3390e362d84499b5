using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// CastVote and the single-spend rule: a credential counts at most once. Where the election allows revoting, a
/// vote with a higher sequence replaces the counted one and its weight moves to the new option.
/// </summary>
internal static class VoteRules
{
    public static Rejection? Cast(StateOverlay state, BlockContext block, VerifiedTx tx)
    {
        var vote = tx.Payload.CastVote;
        var rejection = CommonChecks.Election(state, vote.ElectionId, out var election);
        if (rejection is not null)
        {
            return rejection;
        }

        var definition = election.Definition;
        if (block.TimeUnixMs < definition.OpensAtUnixMs)
        {
            return new Rejection(RejectCode.ElectionNotOpen, $"Election '{definition.ElectionId}' has not opened yet.");
        }

        rejection = CommonChecks.NotClosed(election, block);
        if (rejection is not null)
        {
            return rejection;
        }

        var credential = state.GetCredential(vote.ElectionId, tx.Signer);
        if (credential is null)
        {
            return new Rejection(RejectCode.NotRegistered,
                $"Credential {CommonChecks.Short(tx.Signer)} is not registered in election '{definition.ElectionId}'.");
        }

        if (credential.Revoked)
        {
            return new Rejection(RejectCode.CredentialRevoked, $"Credential {CommonChecks.Short(tx.Signer)} has been revoked.");
        }

        if (vote.Option >= definition.Options.Count)
        {
            return new Rejection(RejectCode.InvalidOption,
                $"Option {vote.Option} does not exist; election '{definition.ElectionId}' has options 0 to {definition.Options.Count - 1}.");
        }

        if (vote.Sequence == 0)
        {
            return new Rejection(RejectCode.StaleSequence, "A vote's sequence number starts at 1.");
        }

        var previous = state.GetBallot(vote.ElectionId, tx.Signer);
        if (previous is not null && !definition.AllowRevote)
        {
            return new Rejection(RejectCode.AlreadyVoted,
                $"Credential {CommonChecks.Short(tx.Signer)} has already voted in election '{definition.ElectionId}', which does not allow revoting.");
        }

        if (previous is not null && vote.Sequence <= previous.Sequence)
        {
            return new Rejection(RejectCode.StaleSequence,
                $"Vote sequence {vote.Sequence} is not above the counted vote's sequence {previous.Sequence}.");
        }

        var tally = CommonChecks.TallyCopy(state, vote.ElectionId);
        if (previous is not null)
        {
            // A revote: the earlier ballot's weight leaves its option (a revoked credential cannot get here).
            tally.OptionWeights[(int)previous.Option] = checked(tally.OptionWeights[(int)previous.Option] - credential.Weight);
        }
        else
        {
            tally.CountedBallots = checked(tally.CountedBallots + 1);
            tally.CountedWeight = checked(tally.CountedWeight + credential.Weight);
        }

        // Checked, and bounded by the registered weight (see RegistrationRules.TallyOverflow): it cannot wrap.
        tally.OptionWeights[(int)vote.Option] = checked(tally.OptionWeights[(int)vote.Option] + credential.Weight);
        state.PutTally(vote.ElectionId, tally);
        state.PutBallot(vote.ElectionId, tx.Signer, new BallotRecord
        {
            Option = vote.Option,
            Sequence = vote.Sequence,
            TxId = ByteString.CopyFrom(tx.Id),
            Height = block.Height,
            Counted = true,
        });
        return null;
    }
}
