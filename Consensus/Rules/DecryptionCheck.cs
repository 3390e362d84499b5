using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// The one home of the decryption checks of a secret election: a trustee's decryption shares of the summed
/// ciphertexts, and a published result against the stored shares. The rules run them as the transactions arrive; the
/// audit's recount runs them again over what the chain stored, so both judge with the same code.
/// </summary>
public static class DecryptionCheck
{
    /// <summary>
    /// Counts, sizes and canonical points of one trustee's shares, before any group operation. An option whose summed
    /// A is the identity (no ballot counts, or they cancelled) has nothing to decrypt: its share must be the identity
    /// with an empty proof, since no DLEQ proof exists for the identity.
    /// </summary>
    public static Rejection? ParseShares(IReadOnlyList<Ciphertext> sums, IReadOnlyList<ByteString> shares,
        IReadOnlyList<ByteString> proofs, out GroupElement[] parsed)
    {
        parsed = [];
        if (shares.Count != sums.Count || proofs.Count != sums.Count)
        {
            return new Rejection(RejectCode.Malformed,
                $"The decryption holds {shares.Count} shares and {proofs.Count} proofs; the election has {sums.Count} options.");
        }

        for (var i = 0; i < sums.Count; i++)
        {
            var proofSize = sums[i].A.IsIdentity ? 0 : DleqProof.Size;
            if (shares[i].Length != GroupElement.Size || proofs[i].Length != proofSize)
            {
                return new Rejection(RejectCode.Malformed,
                    $"Option {i}: a share is {GroupElement.Size} bytes and its proof {proofSize} (the option's summed A is " +
                    $"{(proofSize == 0 ? "the identity" : "not the identity")}), not {shares[i].Length} and {proofs[i].Length}.");
            }
        }

        var result = new GroupElement[sums.Count];
        for (var i = 0; i < sums.Count; i++)
        {
            if (!GroupElement.TryParse(shares[i].Span, out result[i]))
            {
                return new Rejection(RejectCode.Malformed, $"Option {i}: the share is not a canonical ristretto255 point.");
            }

            if (sums[i].A.IsIdentity && !result[i].IsIdentity)
            {
                return new Rejection(RejectCode.BadProof,
                    $"Option {i}: its summed A is the identity, so its share must be the identity too.");
            }
        }

        parsed = result;
        return null;
    }

    /// <summary>Each share's DLEQ proof against trustee <paramref name="trustee"/>'s verification key and the option's summed A.</summary>
    public static Rejection? VerifyShares(string chainId, string electionId, uint trustee, GroupElement verificationKey,
        IReadOnlyList<Ciphertext> sums, IReadOnlyList<GroupElement> shares, IReadOnlyList<ByteString> proofs)
    {
        for (var i = 0; i < sums.Count; i++)
        {
            if (sums[i].A.IsIdentity)
            {
                continue; // checked by ParseShares: identity share, empty proof
            }

            var context = SecretContexts.DecryptionShare(chainId, electionId, trustee, i);
            if (!DleqProof.Verify(context, verificationKey, sums[i].A, shares[i], proofs[i].Span))
            {
                return new Rejection(RejectCode.BadProof,
                    $"Option {i}: trustee {trustee}'s decryption share does not verify against its verification key and the summed ciphertext.");
            }
        }

        return null;
    }

    /// <summary>
    /// A published result against shares already verified (<paramref name="stored"/>, in trustee order): one weight per
    /// option, at least T shares, a sum no larger than the counted weight times the most choices a ballot may mark, and
    /// for every option w·G = B − Σ λ_j·D_j over the T lowest trustee indices. No discrete log: only a multiplication.
    /// </summary>
    public static Rejection? Result(SecretBallotSettings settings, TallyRecord tally, IReadOnlyList<Ciphertext> sums,
        IReadOnlyList<ShareRecord> stored, IReadOnlyList<ulong> weights)
    {
        if (weights.Count != sums.Count)
        {
            return new Rejection(RejectCode.Malformed, $"The result holds {weights.Count} weights; the election has {sums.Count} options.");
        }

        if (stored.Count < settings.Threshold)
        {
            return new Rejection(RejectCode.NotEnoughShares,
                $"{stored.Count} trustees posted decryption shares; the result needs {settings.Threshold}.");
        }

        UInt128 total = 0;
        foreach (var weight in weights)
        {
            total += weight;
        }

        var bound = (UInt128)tally.CountedWeight * settings.MaxChoices;
        if (total > bound)
        {
            return new Rejection(RejectCode.BadProof,
                $"The result's weights sum to {total}, more than the counted weight {tally.CountedWeight} times at most {settings.MaxChoices} choices.");
        }

        var chosen = stored.OrderBy(s => s.Trustee).Take((int)settings.Threshold).ToList();
        for (var i = 0; i < sums.Count; i++)
        {
            var shares = chosen.Select(s => new DecryptionShare(s.Trustee, StoredPoint(s, i), [])).ToList();
            if (!ThresholdDecryption.TryCombine(sums[i], shares, out var element))
            {
                throw new InvalidOperationException("State holds decryption shares with repeated or zero trustee indices.");
            }

            if (!ThresholdDecryption.ResultMatches(weights[i], element))
            {
                return new Rejection(RejectCode.BadProof,
                    $"Option {i}: weight {weights[i]} is not what the decryption shares of trustees " +
                    $"{string.Join(", ", chosen.Select(s => s.Trustee))} give.");
            }
        }

        return null;
    }

    /// <summary>
    /// The audit's check of a published result from the chain alone: every stored share's proof against the recounted
    /// sums, then the result itself, with the same code the rules ran. Null when it holds.
    /// </summary>
    public static Rejection? Stored(string chainId, ElectionRecord election, SecretRecord? secret, TallyRecord tally,
        IReadOnlyList<Ciphertext> sums, IReadOnlyList<ulong> weights)
    {
        var settings = election.Secret ?? throw new ArgumentException("The election is not secret.", nameof(election));
        secret ??= new SecretRecord();
        // Shares are posted after the close, when the key generation is long settled (an election closes after its
        // three phases), so the key as of the close is the key they were checked against.
        var key = KeyGenerationStatus.Evaluate(election, secret, election.Definition.ClosesAtUnixMs);
        if (key.Phase != KeyGenerationPhase.Final)
        {
            return new Rejection(RejectCode.KeyGenerationFailed, "The election has a result but its joint key never became final.");
        }

        foreach (var record in secret.DecryptionShares)
        {
            var rejection = ParseShares(sums, record.Shares, record.Proofs, out var parsed)
                ?? VerifyShares(chainId, election.Definition.ElectionId, record.Trustee, key.VerificationKey(record.Trustee), sums,
                    parsed, record.Proofs);
            if (rejection is not null)
            {
                return rejection with { Message = $"Stored shares of trustee {record.Trustee}: {rejection.Message}" };
            }
        }

        return Result(settings, tally, sums, secret.DecryptionShares, weights);
    }

    private static GroupElement StoredPoint(ShareRecord record, int option) =>
        GroupElement.TryParse(record.Shares[option].Span, out var point)
            ? point
            : throw new InvalidOperationException($"State holds a malformed decryption share of trustee {record.Trustee}.");
}
