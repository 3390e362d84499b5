using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// DecryptionShares and PublishResult: after a secret election closes, trustees post their shares of the summed
/// ciphertexts, each proven against their verification key, and anyone entitled posts the weights, which every
/// replica checks against T stored shares by a multiplication (never a discrete log). The checks themselves live in
/// <see cref="DecryptionCheck"/>, which the audit runs again.
/// </summary>
internal static class DecryptionRules
{
    public static Rejection? Shares(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var post = tx.Payload.DecryptionShares;
        var rejection = SecretElection(state, post.ElectionId, "decryption shares", out var election);
        if (rejection is not null)
        {
            return rejection;
        }

        var settings = election.Secret;
        var trustee = SecretSettings.TrusteeIndex(settings, tx.Signer);
        if (trustee == 0)
        {
            return new Rejection(RejectCode.NotTrustee,
                $"Key {CommonChecks.Short(tx.Signer)} is not a trustee of election '{post.ElectionId}'.");
        }

        rejection = Closed(election, block, "Decryption shares");
        if (rejection is not null)
        {
            return rejection;
        }

        var secret = state.GetSecret(post.ElectionId) ?? new SecretRecord();
        var key = KeyGenerationStatus.Evaluate(election, secret, block.TimeUnixMs);
        rejection = SecretVoteRules.KeyReady(key, post.ElectionId);
        if (rejection is not null)
        {
            return rejection;
        }

        if (secret.DecryptionShares.Any(s => s.Trustee == trustee))
        {
            return new Rejection(RejectCode.AlreadyPosted, $"Trustee {trustee} already posted its decryption shares.");
        }

        var tally = CommonChecks.TallyCopy(state, post.ElectionId);
        if (tally.ResultPublished)
        {
            return new Rejection(RejectCode.PhaseOver, $"The result of election '{post.ElectionId}' is already published.");
        }

        var sums = EncryptedTally.Parse(tally.OptionCiphertexts, "the tally");
        rejection = DecryptionCheck.ParseShares(sums, post.Shares, post.Proofs, out var shares)
            ?? DecryptionCheck.VerifyShares(chain.ChainId, post.ElectionId, trustee, key.VerificationKey(trustee), sums, shares, post.Proofs);
        if (rejection is not null)
        {
            return rejection;
        }

        var updated = secret.Clone();
        var record = new ShareRecord { Trustee = trustee, Height = block.Height };
        record.Shares.AddRange(post.Shares);
        record.Proofs.AddRange(post.Proofs);
        // Kept in trustee order, so the result combines "the T lowest" without sorting and every replica stores the same bytes.
        var at = updated.DecryptionShares.TakeWhile(s => s.Trustee < trustee).Count();
        updated.DecryptionShares.Insert(at, record);
        state.PutSecret(post.ElectionId, updated);
        return null;
    }

    public static Rejection? Result(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var publish = tx.Payload.PublishResult;
        var rejection = SecretElection(state, publish.ElectionId, "a published result", out var election);
        if (rejection is not null)
        {
            return rejection;
        }

        var settings = election.Secret;
        if (SecretSettings.TrusteeIndex(settings, tx.Signer) == 0 && !Governance.GovernanceState.IsAuthority(state, chain, tx.Signer, block.Height))
        {
            return new Rejection(RejectCode.NotAuthority,
                $"Only a trustee of election '{publish.ElectionId}' or an election authority may publish its result.");
        }

        rejection = Closed(election, block, "The result");
        if (rejection is not null)
        {
            return rejection;
        }

        var tally = CommonChecks.TallyCopy(state, publish.ElectionId);
        if (tally.ResultPublished)
        {
            return new Rejection(RejectCode.AlreadyPosted,
                $"The result of election '{publish.ElectionId}' was already published at height {tally.ResultHeight}.");
        }

        var secret = state.GetSecret(publish.ElectionId) ?? new SecretRecord();
        var sums = EncryptedTally.Parse(tally.OptionCiphertexts, "the tally");
        rejection = DecryptionCheck.Result(settings, tally, sums, secret.DecryptionShares, publish.OptionWeights);
        if (rejection is not null)
        {
            return rejection;
        }

        tally.OptionWeights.Clear();
        tally.OptionWeights.AddRange(publish.OptionWeights);
        tally.ResultPublished = true;
        tally.ResultHeight = block.Height;
        state.PutTally(publish.ElectionId, tally);
        return null;
    }

    /// <summary>
    /// CloseTally: a trustee's empty transaction at block time ≥ closes_at. Trustees decrypt only once the committed
    /// head block is past the close (then no vote can be added: block times increase and votes need a time before the
    /// close); on an idle chain this is what makes that block. It writes nothing; a second identical one (Ed25519 is
    /// deterministic) is DUPLICATE_TRANSACTION, and that is enough, since one such block is all it is for.
    /// </summary>
    public static Rejection? Close(StateOverlay state, BlockContext block, VerifiedTx tx)
    {
        var close = tx.Payload.CloseTally;
        var rejection = SecretElection(state, close.ElectionId, "close of its tally", out var election);
        if (rejection is not null)
        {
            return rejection;
        }

        if (SecretSettings.TrusteeIndex(election.Secret, tx.Signer) == 0)
        {
            return new Rejection(RejectCode.NotTrustee,
                $"Key {CommonChecks.Short(tx.Signer)} is not a trustee of election '{close.ElectionId}'.");
        }

        rejection = Closed(election, block, "The close of the tally");
        if (rejection is not null)
        {
            return rejection;
        }

        // One close per election. It changes nothing the tally counts, but a signer can make any number of distinct
        // envelopes (Ed25519 nonces are the signer's to choose), so without this one trustee could fill blocks with them.
        var tally = CommonChecks.TallyCopy(state, close.ElectionId);
        if (tally.ResultPublished || tally.TallyClosed || state.GetSecret(close.ElectionId)?.DecryptionShares.Count > 0)
        {
            return new Rejection(RejectCode.PhaseOver,
                $"The tally of election '{close.ElectionId}' is already closed (a close, a decryption share or the result is on chain).");
        }

        tally.TallyClosed = true;
        state.PutTally(close.ElectionId, tally);
        return null;
    }

    /// <summary>The election, which must exist and be secret: an open election has no trustees and nothing to decrypt.</summary>
    private static Rejection? SecretElection(StateOverlay state, string electionId, string what, out ElectionRecord election)
    {
        var rejection = CommonChecks.Election(state, electionId, out election);
        if (rejection is not null)
        {
            return rejection;
        }

        return election.Secret is null
            ? new Rejection(RejectCode.WrongBallotKind,
                $"Election '{electionId}' is open, not secret: its tally is public and it takes no {what}.")
            : null;
    }

    /// <summary>Decryption starts at the close: before it, the sums can still change and decrypting them would reveal a running count.</summary>
    private static Rejection? Closed(ElectionRecord election, BlockContext block, string what) =>
        block.TimeUnixMs < election.Definition.ClosesAtUnixMs
            ? new Rejection(RejectCode.PhaseNotOpen,
                $"{what} of election '{election.Definition.ElectionId}' may be posted only once it has closed.")
            : null;
}
