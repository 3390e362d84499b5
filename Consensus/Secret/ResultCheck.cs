using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// The one home of the checks of a secret election's decryption: a trustee's decryption shares against the tally's
/// summed ciphertexts, and a result against the threshold of shares. Replicas (DecryptionRules), the CLI's
/// <c>tally</c> and the audit call these, so "verified" means the same everywhere. Every method returns a sentence
/// naming the problem, or null; none throws on bad input, and none runs a discrete log.
/// </summary>
public static class ResultCheck
{
    /// <summary>
    /// The tally's summed ciphertexts, one per option; false when their number or an encoding is wrong (the rules
    /// write only canonical sums, so outside a test that is corruption).
    /// </summary>
    public static bool TryReadSums(TallyRecord tally, int optionCount, out Ciphertext[] sums)
    {
        ArgumentNullException.ThrowIfNull(tally);
        sums = [];
        if (tally.OptionCiphertexts.Count != optionCount)
        {
            return false;
        }

        var parsed = new Ciphertext[optionCount];
        for (var i = 0; i < optionCount; i++)
        {
            if (!Ciphertext.TryParse(tally.OptionCiphertexts[i].Span, out parsed[i]))
            {
                return false;
            }
        }

        sums = parsed;
        return true;
    }

    /// <summary>
    /// Trustee <paramref name="trustee"/>'s decryption shares D_i = x_j·A_i, one per option, each with a DLEQ proof
    /// against its verification key, bound to the chain, election, trustee and option. An option whose summed A is
    /// the identity (no ballot, or ballots that cancelled) has nothing to hide: its D must be the identity and its
    /// proof empty, since a DLEQ proof over the identity proves nothing. Sizes and encodings are checked for every
    /// option before the first group operation, so a malformed post costs microseconds.
    /// </summary>
    public static string? ShareProblem(string chainId, string electionId, KeyGenerationStatus key,
        IReadOnlyList<Ciphertext> sums, uint trustee, IReadOnlyList<ByteString> shares, IReadOnlyList<ByteString> proofs)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(proofs);
        if (key.Phase != KeyGenerationPhase.Final)
        {
            return "The election's joint key is not final, so there is nothing to decrypt.";
        }

        if (trustee == 0)
        {
            return "Trustee indices start at 1.";
        }

        if (shares.Count != sums.Count || proofs.Count != sums.Count)
        {
            return $"Trustee {trustee} posted {shares.Count} shares and {proofs.Count} proofs; the election has {sums.Count} options.";
        }

        var parsed = new GroupElement[sums.Count];
        for (var i = 0; i < sums.Count; i++)
        {
            if (!GroupElement.TryParse(shares[i].Span, out parsed[i]))
            {
                return $"Trustee {trustee}'s share for option {i} is not a canonical group element.";
            }

            var nothingToDecrypt = sums[i].A.IsIdentity;
            if (nothingToDecrypt && (!parsed[i].IsIdentity || proofs[i].Length != 0))
            {
                return $"Option {i} sums to no ciphertext: trustee {trustee}'s share must be the identity with an empty proof.";
            }

            if (!nothingToDecrypt && (parsed[i].IsIdentity || proofs[i].Length != DleqProof.Size))
            {
                return $"Trustee {trustee}'s share for option {i} must be a non-identity element with a {DleqProof.Size}-byte proof.";
            }
        }

        var verificationKey = key.VerificationKey(trustee);
        for (var i = 0; i < sums.Count; i++)
        {
            if (sums[i].A.IsIdentity)
            {
                continue;
            }

            var context = SecretContexts.DecryptionShare(chainId, electionId, trustee, i);
            if (!DleqProof.Verify(context, verificationKey, sums[i].A, parsed[i], proofs[i].Span))
            {
                return $"Trustee {trustee}'s decryption share for option {i} does not prove it used its key share.";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="weights"/> is the decryption of the summed ciphertexts, from the shares of the
    /// <c>threshold</c> lowest trustee indices among <paramref name="verifiedShares"/> (which the caller verified with
    /// <see cref="ShareProblem"/>): v_i·G = B_i − Σ λ_j·D_j must equal weights[i]·G for every option.
    /// </summary>
    public static string? CombinationProblem(IReadOnlyList<Ciphertext> sums, uint threshold,
        IReadOnlyList<ShareRecord> verifiedShares, IReadOnlyList<ulong> weights)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(verifiedShares);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != sums.Count)
        {
            return $"The result has {weights.Count} weights; the election has {sums.Count} options.";
        }

        if (threshold == 0 || verifiedShares.Select(s => s.Trustee).Distinct().Count() < threshold)
        {
            return $"Fewer than {threshold} trustees posted valid decryption shares.";
        }

        var lowest = verifiedShares.DistinctBy(s => s.Trustee).OrderBy(s => s.Trustee).Take((int)threshold).ToList();
        for (var i = 0; i < sums.Count; i++)
        {
            var shares = new List<DecryptionShare>(lowest.Count);
            foreach (var record in lowest)
            {
                if (record.Shares.Count != sums.Count || !GroupElement.TryParse(record.Shares[i].Span, out var d))
                {
                    return $"Trustee {record.Trustee}'s stored shares do not match the election's options.";
                }

                shares.Add(new DecryptionShare(record.Trustee, d, record.Proofs.Count > i ? record.Proofs[i].ToByteArray() : []));
            }

            if (!ThresholdDecryption.TryCombine(sums[i], shares, out var plaintext))
            {
                return "The decryption shares name an invalid set of trustee indices.";
            }

            if (!ThresholdDecryption.ResultMatches(weights[i], plaintext))
            {
                return $"The weight {weights[i]} for option {i} is not what the trustees' shares decrypt.";
            }
        }

        return null;
    }

    /// <summary>
    /// The whole check of a published result from what the chain holds: the key final, the tally's sums readable,
    /// every stored decryption share valid, and the result the combination of the threshold lowest-index shares.
    /// This is what <c>votechain tally</c> reports as result_verified.
    /// </summary>
    public static string? PublishedProblem(string chainId, ElectionRecord election, KeyGenerationStatus key,
        SecretRecord secret, TallyRecord tally)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(tally);
        if (election.Secret is not { } settings)
        {
            return "The election is not secret.";
        }

        if (!tally.ResultPublished)
        {
            return "No result is published yet.";
        }

        var electionId = election.Definition.ElectionId;
        if (!TryReadSums(tally, election.Definition.Options.Count, out var sums))
        {
            return "The tally's encrypted sums are missing or malformed.";
        }

        foreach (var record in secret.DecryptionShares)
        {
            if (record.Trustee == 0 || record.Trustee > settings.Trustees.Count)
            {
                return $"A decryption share names trustee {record.Trustee}; the election has {settings.Trustees.Count}.";
            }

            if (ShareProblem(chainId, electionId, key, sums, record.Trustee, record.Shares, record.Proofs) is { } problem)
            {
                return problem;
            }
        }

        return CombinationProblem(sums, settings.Threshold, secret.DecryptionShares, tally.OptionWeights);
    }
}
