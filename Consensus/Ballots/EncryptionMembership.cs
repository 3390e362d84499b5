namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Proves that a ciphertext (A, B) under H encrypts one of a public list of values m_0 … m_{n-1}, without saying
/// which: an OR of Chaum-Pedersen proofs that log_G(A) = log_H(B − m_j·G). The real branch is answered honestly,
/// the others are simulated, and the challenge shares must add up to the Fiat-Shamir challenge.
/// Transcript: tag, context, H, extra statement elements, A, B, n, m_0 … m_{n-1}, then a_j, b_j for every branch.
/// The caller passes the shifts B − m_j·G (see <see cref="BranchShifts"/>) beside the values: the values are what
/// the transcript names, the shifts only spare a base multiplication per branch, so callers must derive them from the
/// same values and B.
/// </summary>
internal static class EncryptionMembership
{
    public static DisjunctiveProof Create(string tag, ReadOnlySpan<byte> context, GroupElement publicKey,
        IReadOnlyList<GroupElement> extraStatement, Ciphertext ciphertext, Scalar randomness,
        IReadOnlyList<ulong> values, IReadOnlyList<GroupElement> shifts, int realIndex)
    {
        if (realIndex < 0 || realIndex >= values.Count || values.Count > DisjunctiveProof.MaxBranches
            || shifts.Count != values.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(realIndex));
        }

        var n = values.Count;
        var branches = new (Scalar C, Scalar Z)[n];
        var commitments = new (GroupElement A, GroupElement B)[n];
        var k = Scalar.RandomNonZero();
        var simulatedSum = Scalar.Zero;
        for (var j = 0; j < n; j++)
        {
            if (j == realIndex)
            {
                commitments[j] = (GroupElement.MultiplyBase(k), publicKey.Multiply(k));
                continue;
            }

            var c = Scalar.Random();
            var z = Scalar.Random();
            branches[j] = (c, z);
            commitments[j] = Commitments(publicKey, ciphertext.A, shifts[j], c, z);
            simulatedSum = simulatedSum.Add(c);
        }

        var challenge = Challenge(tag, context, publicKey, extraStatement, ciphertext, values, commitments);
        var cReal = challenge.Subtract(simulatedSum);
        branches[realIndex] = (cReal, k.Add(cReal.Multiply(randomness)));
        return new DisjunctiveProof(branches);
    }

    /// <summary>Never throws on hostile input: the identity as key or as A, a wrong branch count, give false.</summary>
    public static bool Verify(string tag, ReadOnlySpan<byte> context, GroupElement publicKey,
        IReadOnlyList<GroupElement> extraStatement, Ciphertext ciphertext, IReadOnlyList<ulong> values,
        IReadOnlyList<GroupElement> shifts, DisjunctiveProof proof)
    {
        // An identity key reveals every vote; A = identity means r = 0, i.e. the vote sits in B in the clear.
        if (publicKey.IsIdentity || ciphertext.A.IsIdentity
            || values.Count == 0 || values.Count > DisjunctiveProof.MaxBranches || proof.Branches.Count != values.Count
            || shifts.Count != values.Count)
        {
            return false;
        }

        var commitments = new (GroupElement A, GroupElement B)[values.Count];
        var sum = Scalar.Zero;
        for (var j = 0; j < values.Count; j++)
        {
            var (c, z) = proof.Branches[j];
            commitments[j] = Commitments(publicKey, ciphertext.A, shifts[j], c, z);
            sum = sum.Add(c);
        }

        return Challenge(tag, context, publicKey, extraStatement, ciphertext, values, commitments).Equals(sum);
    }

    // a = z·G − c·A and b = z·H − c·(B − m·G): what an honest prover's k·G and k·H must equal.
    private static (GroupElement, GroupElement) Commitments(GroupElement publicKey, GroupElement ciphertextA, GroupElement shifted,
        Scalar c, Scalar z)
    {
        var a = GroupElement.MultiplyBase(z).Subtract(ciphertextA.Multiply(c));
        var b = publicKey.Multiply(z).Subtract(shifted.Multiply(c));
        return (a, b);
    }

    private static Scalar Challenge(string tag, ReadOnlySpan<byte> context, GroupElement publicKey,
        IReadOnlyList<GroupElement> extraStatement, Ciphertext ciphertext, IReadOnlyList<ulong> values,
        (GroupElement A, GroupElement B)[] commitments)
    {
        using var transcript = new Transcript(tag, context);
        transcript.Append(publicKey).Append((ulong)extraStatement.Count);
        foreach (var element in extraStatement)
        {
            transcript.Append(element);
        }

        transcript.Append(ciphertext.A).Append(ciphertext.B).Append((ulong)values.Count);
        foreach (var value in values)
        {
            transcript.Append(value);
        }

        foreach (var (a, b) in commitments)
        {
            transcript.Append(a).Append(b);
        }

        return transcript.Challenge();
    }
}
