using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// The trustee's side of decryption, for <see cref="TrusteeDuties"/>: its secret share of the joint key, its
/// decryption shares, and the result from the first T shares on chain. Off chain only; the replicas' checks of
/// these transactions are the decryption rules'.
/// </summary>
internal static class TrusteeDecryption
{
    /// <summary>Opens dealer's share to <paramref name="index"/> and checks it against the dealer's commitments.</summary>
    public static bool TryOpenShare(TrusteeKey trustee, DealRecord deal, uint index, out Scalar share)
    {
        share = Scalar.Zero;
        return index >= 1 && index <= deal.SealedShares.Count
            && ShareSealing.TryOpen(trustee, deal.SealedShares[(int)index - 1].Span, out share)
            && Matches(deal, index, share);
    }

    /// <summary>
    /// x_j = Σ over qualified dealers of the share each dealt to j: the revealed one where a complaint was answered,
    /// else the sealed one. Null, with the reason in <paramref name="problems"/>, when a share j needs is bad and
    /// was never revealed (j did not complain in time): the trustee then cannot decrypt, and must not post shares
    /// that would fail their proofs.
    /// </summary>
    public static Scalar? SecretShare(TrusteeKey trustee, SecretRecord secret, KeyGenerationStatus status, uint index, List<string> problems)
    {
        var sum = Scalar.Zero;
        var bad = new List<uint>();
        foreach (var dealer in status.QualifiedDealers)
        {
            var deal = secret.Deals.First(d => d.Dealer == dealer);
            var revealed = secret.Reveals.FirstOrDefault(r => r.Dealer == dealer && r.Recipient == index);
            Scalar share;
            // The rules checked a revealed share against the commitments before storing it.
            var ok = revealed is not null
                ? Scalar.TryParse(revealed.Share.Span, out share)
                : TryOpenShare(trustee, deal, index, out share);
            if (!ok)
            {
                bad.Add(dealer);
                continue;
            }

            sum = sum.Add(share);
        }

        if (bad.Count > 0)
        {
            problems.Add($"Trustee {index} cannot decrypt: the shares dealt to it by {string.Join(", ", bad)} do not open or do not "
                + "match their commitments, and no reveal replaced them (it did not complain in time).");
            return null;
        }

        return sum;
    }

    public static DecryptionShares? Shares(TrusteeKey trustee, string chainId, ElectionRecord election, SecretRecord secret,
        TallyRecord tally, KeyGenerationStatus status, uint index, List<string> problems)
    {
        var electionId = election.Definition.ElectionId;
        if (!TryCiphertexts(election, tally, problems, out var ciphertexts)
            || SecretShare(trustee, secret, status, index, problems) is not { } secretShare)
        {
            return null;
        }

        var verificationKey = status.VerificationKey(index);
        var shares = new DecryptionShares { ElectionId = electionId };
        for (var option = 0; option < ciphertexts.Length; option++)
        {
            if (ciphertexts[option].A.IsIdentity)
            {
                // Nothing is hidden (no ballots, or randomness summing to zero): D = x·identity = identity, and a DLEQ
                // with A = identity is refused, so the proof is left empty as the protocol says.
                shares.Shares.Add(ByteString.CopyFrom(GroupElement.Identity.ToArray()));
                shares.Proofs.Add(ByteString.Empty);
                continue;
            }

            var share = DecryptionShare.Create(SecretContexts.DecryptionShare(chainId, electionId, index, option),
                index, secretShare, verificationKey, ciphertexts[option]);
            shares.Shares.Add(ByteString.CopyFrom(share.D.ToArray()));
            shares.Proofs.Add(ByteString.CopyFrom(share.Proof));
        }

        return shares;
    }

    /// <summary>
    /// Combines the T lowest-index shares on chain (the same ones the replicas combine; the rules stored only valid
    /// ones) and solves each option's discrete log up to the counted weight; or takes the weights from
    /// <paramref name="solved"/> when these sums were solved before, and leaves them there when not.
    /// </summary>
    public static PublishResult? Result(ElectionRecord election, SecretRecord secret, TallyRecord tally, SolvedResults? solved,
        List<string> problems)
    {
        var electionId = election.Definition.ElectionId;
        if (solved is not null && solved.TryGet(electionId, tally, out var known))
        {
            return new PublishResult { ElectionId = electionId, OptionWeights = { known } };
        }

        if (!TryCiphertexts(election, tally, problems, out var ciphertexts))
        {
            return null;
        }

        if (tally.CountedWeight >= DiscreteLogTable.MaxBabySteps * DiscreteLogTable.MaxBabySteps)
        {
            problems.Add($"The counted weight {tally.CountedWeight} of election '{electionId}' is beyond the discrete-log table.");
            return null;
        }

        var records = secret.DecryptionShares.OrderBy(s => s.Trustee).Take((int)election.Secret.Threshold).ToList();
        var table = new DiscreteLogTable(tally.CountedWeight);
        var result = new PublishResult { ElectionId = electionId };
        for (var option = 0; option < ciphertexts.Length; option++)
        {
            var shares = new List<DecryptionShare>(records.Count);
            foreach (var record in records)
            {
                if (record.Shares.Count != ciphertexts.Length || !GroupElement.TryParse(record.Shares[option].Span, out var d))
                {
                    problems.Add($"Trustee {record.Trustee}'s stored decryption shares of election '{electionId}' are malformed.");
                    return null;
                }

                shares.Add(new DecryptionShare(record.Trustee, d, record.Proofs.Count > option ? record.Proofs[option].ToByteArray() : []));
            }

            if (!ThresholdDecryption.TryCombine(ciphertexts[option], shares, out var element) || !table.TrySolve(element, out var weight))
            {
                problems.Add($"Option {option} of election '{electionId}' does not decrypt to a weight within 0..{tally.CountedWeight}.");
                return null;
            }

            result.OptionWeights.Add(weight);
        }

        solved?.Add(electionId, tally, [.. result.OptionWeights]);
        return result;
    }

    private static bool TryCiphertexts(ElectionRecord election, TallyRecord tally, List<string> problems, out Ciphertext[] ciphertexts)
    {
        ciphertexts = new Ciphertext[tally.OptionCiphertexts.Count];
        var ok = tally.OptionCiphertexts.Count == election.Definition.Options.Count;
        for (var i = 0; ok && i < ciphertexts.Length; i++)
        {
            ok = Ciphertext.TryParse(tally.OptionCiphertexts[i].Span, out ciphertexts[i]);
        }

        if (!ok)
        {
            problems.Add($"The encrypted tally of election '{election.Definition.ElectionId}' is malformed.");
        }

        return ok;
    }

    private static bool Matches(DealRecord deal, uint index, Scalar share) =>
        GroupElement.MultiplyBase(share).Equals(ShamirPolynomial.ExpectedShareKey(KeyGenerationStatus.Commitments(deal), index));
}
