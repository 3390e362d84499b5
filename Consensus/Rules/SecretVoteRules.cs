using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// CastEncryptedVote: a vote in a secret election, counted without being read. The checks run cheapest first, and
/// the ballot proofs (about 1 ms) only once everything else holds: the same window, credential and revote rules as a
/// plaintext vote, a final joint key, and parts of the right sizes with canonical points. The encrypted tally then
/// gains the ballot's ciphertexts (and loses the replaced ballot's on a revote).
/// </summary>
internal static class SecretVoteRules
{
    private static long _proofVerifications;

    /// <summary>Ballot proofs verified in this process (a memo hit on <see cref="VerifiedTx"/> runs none): for tests and diagnostics.</summary>
    internal static long ProofVerifications => Interlocked.Read(ref _proofVerifications);

    public static Rejection? Cast(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var vote = tx.Payload.CastEncryptedVote;
        var rejection = CommonChecks.Election(state, vote.ElectionId, out var election);
        if (rejection is not null)
        {
            return rejection;
        }

        var definition = election.Definition;
        var settings = election.Secret;
        if (settings is null)
        {
            return new Rejection(RejectCode.WrongBallotKind,
                $"Election '{definition.ElectionId}' is open: votes are plaintext (CastVote), not encrypted.");
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

        rejection = VoteChecks.Sequence(state, definition, tx.Signer, vote.Sequence, out var previous);
        if (rejection is not null)
        {
            return rejection;
        }

        var key = KeyGenerationStatus.In(state, election, block.TimeUnixMs);
        rejection = KeyReady(key, definition.ElectionId);
        if (rejection is not null)
        {
            return rejection;
        }

        rejection = Proofs(chain, tx, election, key.JointKey!, credential.Weight, out var ballot);
        if (rejection is not null)
        {
            return rejection;
        }

        var tally = CommonChecks.TallyCopy(state, vote.ElectionId);
        // A revote: the earlier ballot's ciphertexts leave the sums (a revoked credential, whose ballot no longer
        // counts, cannot get here).
        EncryptedTally.Move(tally, previous is { Counted: true } ? previous.Ciphertexts : null, ballot!.Options);
        VoteChecks.Count(state, tally, vote.ElectionId, tx.Signer, previous, credential);
        state.PutTally(vote.ElectionId, tally);
        var record = VoteChecks.Ballot(tx, block, vote.Sequence);
        // The received bytes: parsing proved them canonical, so they are the only encoding of these points.
        record.Ciphertexts.AddRange(vote.Ciphertexts);
        state.PutBallot(vote.ElectionId, tx.Signer, record);
        return null;
    }

    /// <summary>
    /// The ballot's parts (sizes, canonical encodings), then its proofs against the joint key and the credential's
    /// weight: the statement a replica checks, shared by the rules and <see cref="ProofPreparation"/>.
    /// </summary>
    internal static Rejection? Proofs(RuleContext chain, VerifiedTx tx, ElectionRecord election, GroupElement jointKey, ulong weight,
        out EncryptedBallot? ballot)
    {
        var vote = tx.Payload.CastEncryptedVote;
        var definition = election.Definition;
        var optionCount = definition.Options.Count;
        var (min, max) = ((int)election.Secret.MinChoices, (int)election.Secret.MaxChoices);
        var problem = BallotEncoding.TryParse([.. vote.Ciphertexts.Select(c => c.Memory)], [.. vote.OptionProofs.Select(p => p.Memory)],
            vote.SumProof.Span, optionCount, min, max, out ballot);
        if (problem is not null)
        {
            return new Rejection(RejectCode.Malformed, problem);
        }

        return ProofHolds(chain, tx, jointKey, weight, ballot!, optionCount, min, max)
            ? null
            : new Rejection(RejectCode.BadProof,
                $"The ballot's proofs do not verify for credential {CommonChecks.Short(tx.Signer)} with weight {weight} " +
                $"under the joint key of election '{definition.ElectionId}' ({min} to {max} choices).");
    }

    /// <summary>Votes wait for the joint key; an election whose key generation failed can never take one.</summary>
    public static Rejection? KeyReady(KeyGenerationStatus key, string electionId) => key.Phase switch
    {
        KeyGenerationPhase.Final => null,
        KeyGenerationPhase.Failed => new Rejection(RejectCode.KeyGenerationFailed,
            $"The key generation of election '{electionId}' failed (fewer than the threshold of dealers qualified): it takes no votes."),
        _ => new Rejection(RejectCode.KeyNotReady,
            $"The joint key of election '{electionId}' is not final yet (key generation is in its {key.Phase.ToString().ToLowerInvariant()} phase)."),
    };

    private static bool ProofHolds(RuleContext chain, VerifiedTx tx, GroupElement jointKey, ulong weight, EncryptedBallot ballot,
        int optionCount, int min, int max)
    {
        // Election and credential are the transaction's own (payload and signer), so they are not part of the memo.
        var statement = new BallotStatement(chain.ChainId, jointKey, weight, optionCount, min, max);
        if (tx.ProofHolds(statement))
        {
            return true;
        }

        if (tx.ProofFailed(statement))
        {
            return false;
        }

        Interlocked.Increment(ref _proofVerifications);
        var context = SecretContexts.Ballot(chain.ChainId, tx.Payload.CastEncryptedVote.ElectionId, tx.Signer, weight);
        if (!ballot.Verify(context, jointKey, weight, optionCount, min, max))
        {
            tx.RememberProofFailure(statement);
            return false;
        }

        tx.RememberProof(statement);
        return true;
    }

    /// <summary>Everything a ballot's verdict depends on besides the transaction; value equality (the key compares by its canonical bytes).</summary>
    private sealed record BallotStatement(string ChainId, GroupElement JointKey, ulong Weight, int Options, int Min, int Max);
}
