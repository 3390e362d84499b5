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
        if (election.Secret is not null)
        {
            return new Rejection(RejectCode.WrongBallotKind,
                $"Election '{definition.ElectionId}' is secret: votes must be encrypted (CastEncryptedVote), not plaintext.");
        }

        rejection = VoteChecks.Window(election, block);
        if (rejection is not null)
        {
            return rejection;
        }

        rejection = VoteChecks.Voter(state, vote.ElectionId, tx.Signer, out var credential);
        if (rejection is not null)
        {
            return rejection;
        }

        if (vote.Option >= definition.Options.Count)
        {
            return new Rejection(RejectCode.InvalidOption,
                $"Option {vote.Option} does not exist; election '{definition.ElectionId}' has options 0 to {definition.Options.Count - 1}.");
        }

        rejection = VoteChecks.Sequence(state, definition, tx.Signer, vote.Sequence, out var previous);
        if (rejection is not null)
        {
            return rejection;
        }

        var tally = CommonChecks.TallyCopy(state, vote.ElectionId);
        // What the ballot weighs: the voter's own weight and, for a proxy, the weight of the holders it votes for.
        var weight = DelegationBook.CastWeight(credential);
        if (previous is not null)
        {
            // A revote: the earlier ballot's weight leaves its option (a revoked credential cannot get here).
            tally.OptionWeights[(int)previous.Option] = checked(tally.OptionWeights[(int)previous.Option] - weight);
        }

        VoteChecks.Count(state, tally, vote.ElectionId, tx.Signer, previous, credential);

        // Checked, and bounded by the registered weight (see RegistrationRules.TallyOverflow): it cannot wrap.
        tally.OptionWeights[(int)vote.Option] = checked(tally.OptionWeights[(int)vote.Option] + weight);
        state.PutTally(vote.ElectionId, tally);
        var ballot = VoteChecks.Ballot(tx, block, vote.Sequence);
        ballot.Option = vote.Option;
        state.PutBallot(vote.ElectionId, tx.Signer, ballot);
        return null;
    }
}
