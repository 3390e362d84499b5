namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Combines T verified decryption shares: with Lagrange coefficients λ_j at 0 over the shares' indices,
/// Σ λ_j·D_j = s·A, so v·G = B − Σ λ_j·D_j. Replicas check a published result m by m·G against this value, so
/// consensus never runs a discrete log. Shares must be verified (DLEQ) before they are combined.
/// </summary>
public static class ThresholdDecryption
{
    /// <summary>λ_j = Π_{m ≠ j} m / (m − j) mod L; false for an empty set, a zero index or a repeated one.</summary>
    public static bool TryLagrangeAtZero(IReadOnlyList<uint> indices, out Scalar[] coefficients)
    {
        coefficients = [];
        if (indices.Count == 0 || indices.Contains(0u) || indices.Distinct().Count() != indices.Count)
        {
            return false;
        }

        var result = new Scalar[indices.Count];
        for (var j = 0; j < indices.Count; j++)
        {
            var numerator = Scalar.One;
            var denominator = Scalar.One;
            var xj = Scalar.FromUInt64(indices[j]);
            for (var m = 0; m < indices.Count; m++)
            {
                if (m == j)
                {
                    continue;
                }

                var xm = Scalar.FromUInt64(indices[m]);
                numerator = numerator.Multiply(xm);
                denominator = denominator.Multiply(xm.Subtract(xj));
            }

            // Distinct indices below L make every denominator non-zero.
            result[j] = numerator.Multiply(denominator.Invert());
        }

        coefficients = result;
        return true;
    }

    /// <summary>v·G from exactly the given shares (at least the threshold of them); false on a bad index set.</summary>
    public static bool TryCombine(Ciphertext ciphertext, IReadOnlyList<DecryptionShare> shares, out GroupElement plaintextElement)
    {
        plaintextElement = GroupElement.Identity;
        if (!TryLagrangeAtZero([.. shares.Select(s => s.Index)], out var lambdas))
        {
            return false;
        }

        var mask = GroupElement.Identity;
        for (var j = 0; j < shares.Count; j++)
        {
            mask = mask.Add(shares[j].D.Multiply(lambdas[j]));
        }

        plaintextElement = ciphertext.B.Subtract(mask);
        return true;
    }

    /// <summary>The replica's check of a published result: m·G equals the combined plaintext element.</summary>
    public static bool ResultMatches(ulong result, GroupElement plaintextElement) =>
        GroupElement.MultiplyBase(Scalar.FromUInt64(result)).Equals(plaintextElement);
}
