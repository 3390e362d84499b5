namespace VoteChain.Consensus.Ballots;

/// <summary>
/// The two proofs an encrypted ballot carries. Per option: the ciphertext encrypts 0 or the credential's weight w
/// (so the encrypted tally stays a plain weighted sum). Per ballot: the sum of the option ciphertexts encrypts a
/// value in {min·w, …, max·w} (one-of-k is min = max = 1, approval any 0 ≤ min ≤ max ≤ k). The caller's context
/// (chain id, election id, credential key, weight) is hashed into every challenge, so a proof cannot be replayed for
/// another credential, election or weight. Verifiers return false and never throw on malformed input.
/// </summary>
public static class BallotProofs
{
    public static DisjunctiveProof CreateOptionProof(ReadOnlySpan<byte> context, GroupElement publicKey,
        Ciphertext ciphertext, Scalar randomness, ulong weight, bool chosen)
    {
        ArgumentOutOfRangeException.ThrowIfZero(weight);
        return CreateOptionProof(context, publicKey, ciphertext, randomness, weight, BranchShifts.WeightPoint(weight), chosen);
    }

    /// <summary>As above with w·G already computed, so a ballot pays for it once rather than once per option.</summary>
    internal static DisjunctiveProof CreateOptionProof(ReadOnlySpan<byte> context, GroupElement publicKey,
        Ciphertext ciphertext, Scalar randomness, ulong weight, GroupElement weightPoint, bool chosen) =>
        EncryptionMembership.Create(BallotDomainTags.OptionValue, context, publicKey, [], ciphertext, randomness,
            [0, weight], BranchShifts.ForOption(ciphertext.B, weightPoint), chosen ? 1 : 0);

    public static bool VerifyOptionProof(ReadOnlySpan<byte> context, GroupElement publicKey, Ciphertext ciphertext,
        ulong weight, ReadOnlySpan<byte> proof) =>
        weight != 0 && VerifyOptionProof(context, publicKey, ciphertext, weight, BranchShifts.WeightPoint(weight), proof);

    /// <summary>As above with w·G (weight non-zero) already computed; the proof is parsed before any group work.</summary>
    internal static bool VerifyOptionProof(ReadOnlySpan<byte> context, GroupElement publicKey, Ciphertext ciphertext,
        ulong weight, GroupElement weightPoint, ReadOnlySpan<byte> proof) =>
        DisjunctiveProof.TryParse(proof, 2, out var parsed)
        && VerifyOptionProof(context, publicKey, ciphertext, weight, weightPoint, parsed);

    /// <summary>As above for a proof already parsed, so a ballot can refuse malformed parts before any group work.</summary>
    internal static bool VerifyOptionProof(ReadOnlySpan<byte> context, GroupElement publicKey, Ciphertext ciphertext,
        ulong weight, GroupElement weightPoint, DisjunctiveProof parsed) =>
        EncryptionMembership.Verify(BallotDomainTags.OptionValue, context, publicKey, [], ciphertext, [0, weight],
            BranchShifts.ForOption(ciphertext.B, weightPoint), parsed);

    /// <summary>
    /// Proves Σ options encrypts chosenCount·w; <paramref name="randomnessSum"/> is Σ r_i. The option ciphertexts
    /// themselves are part of the statement, not only their sum.
    /// </summary>
    public static DisjunctiveProof CreateSumProof(ReadOnlySpan<byte> context, GroupElement publicKey,
        IReadOnlyList<Ciphertext> options, Scalar randomnessSum, ulong weight, int min, int max, int chosenCount)
    {
        if (!TryAllowedSums(weight, min, max, out var values) || chosenCount < min || chosenCount > max)
        {
            throw new ArgumentException("the choice count or the bounds are out of range");
        }

        var sum = Ciphertext.Sum(options);
        return EncryptionMembership.Create(BallotDomainTags.SumRange, context, publicKey, Flatten(options), sum,
            randomnessSum, values, BranchShifts.ForRange(sum.B, BranchShifts.WeightPoint(weight), weight, min, max),
            chosenCount - min);
    }

    public static bool VerifySumProof(ReadOnlySpan<byte> context, GroupElement publicKey,
        IReadOnlyList<Ciphertext> options, ulong weight, int min, int max, ReadOnlySpan<byte> proof) =>
        weight != 0 && VerifySumProof(context, publicKey, options, weight, BranchShifts.WeightPoint(weight), min, max, proof);

    /// <summary>As above with w·G (weight non-zero) already computed; bounds and proof are checked before the sum.</summary>
    internal static bool VerifySumProof(ReadOnlySpan<byte> context, GroupElement publicKey,
        IReadOnlyList<Ciphertext> options, ulong weight, GroupElement weightPoint, int min, int max,
        ReadOnlySpan<byte> proof) =>
        TryParseSumProof(proof, weight, min, max, out var parsed)
        && VerifySumProof(context, publicKey, options, weight, weightPoint, min, max, parsed);

    /// <summary>Parses a sum proof for the bounds; false for bad bounds (as <see cref="VerifySumProof(ReadOnlySpan{byte}, GroupElement, IReadOnlyList{Ciphertext}, ulong, int, int, ReadOnlySpan{byte})"/>) or bad encoding.</summary>
    internal static bool TryParseSumProof(ReadOnlySpan<byte> proof, ulong weight, int min, int max,
        out DisjunctiveProof parsed)
    {
        parsed = new DisjunctiveProof([]);
        return TryAllowedSums(weight, min, max, out var values) && DisjunctiveProof.TryParse(proof, values.Length, out parsed);
    }

    /// <summary>As above for a proof parsed by <see cref="TryParseSumProof"/> with the same bounds.</summary>
    internal static bool VerifySumProof(ReadOnlySpan<byte> context, GroupElement publicKey,
        IReadOnlyList<Ciphertext> options, ulong weight, GroupElement weightPoint, int min, int max,
        DisjunctiveProof parsed)
    {
        if (options.Count == 0 || !TryAllowedSums(weight, min, max, out var values))
        {
            return false;
        }

        var sum = Ciphertext.Sum(options);
        return EncryptionMembership.Verify(BallotDomainTags.SumRange, context, publicKey, Flatten(options), sum, values,
            BranchShifts.ForRange(sum.B, weightPoint, weight, min, max), parsed);
    }

    /// <summary>{min·w, …, max·w}; false for w = 0, bad bounds, overflow or more branches than a verifier takes.</summary>
    private static bool TryAllowedSums(ulong weight, int min, int max, out ulong[] values)
    {
        values = [];
        if (weight == 0 || min < 0 || max < min || max - min + 1 > DisjunctiveProof.MaxBranches
            || (ulong)max > ulong.MaxValue / weight)
        {
            return false;
        }

        values = new ulong[max - min + 1];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (ulong)(min + i) * weight;
        }

        return true;
    }

    private static GroupElement[] Flatten(IReadOnlyList<Ciphertext> options)
    {
        var elements = new GroupElement[options.Count * 2];
        for (var i = 0; i < options.Count; i++)
        {
            elements[2 * i] = options[i].A;
            elements[2 * i + 1] = options[i].B;
        }

        return elements;
    }
}
