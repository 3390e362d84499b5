namespace VoteChain.Consensus.Ballots;

/// <summary>
/// One voter's encrypted choices: a ciphertext and an option proof per option, and one sum proof. This composes
/// <see cref="BallotProofs"/>; the wire encoding belongs to the protos, so here the parts stay as bytes the verifier
/// parses itself (an option proof is 128 bytes, a sum proof 64·(max − min + 1)).
/// </summary>
public sealed class EncryptedBallot
{
    public EncryptedBallot(IReadOnlyList<Ciphertext> options, IReadOnlyList<byte[]> optionProofs, byte[] sumProof)
    {
        Options = options;
        OptionProofs = optionProofs;
        SumProof = sumProof;
    }

    public IReadOnlyList<Ciphertext> Options { get; }

    public IReadOnlyList<byte[]> OptionProofs { get; }

    public byte[] SumProof { get; }

    public int EncodedSize => Options.Count * Ciphertext.Size + OptionProofs.Sum(p => p.Length) + SumProof.Length;

    /// <summary>Encrypts w for each chosen option and 0 for the others, with fresh randomness, and proves it.</summary>
    public static EncryptedBallot Create(ReadOnlySpan<byte> context, GroupElement publicKey, ulong weight,
        IReadOnlyList<bool> choices, int min, int max) =>
        Create(context, publicKey, weight, choices, min, max, out _);

    /// <summary>
    /// As <see cref="Create(ReadOnlySpan{byte}, GroupElement, ulong, IReadOnlyList{bool}, int, int)"/>, and hands back
    /// each option's randomness r_i, for a Benaloh audit: whoever holds r_i can check the ciphertext encrypts the
    /// choice (<see cref="CiphertextOpening"/>), so a ballot whose randomness was shown must never be cast.
    /// </summary>
    public static EncryptedBallot Create(ReadOnlySpan<byte> context, GroupElement publicKey, ulong weight,
        IReadOnlyList<bool> choices, int min, int max, out IReadOnlyList<Scalar> randomness)
    {
        ArgumentOutOfRangeException.ThrowIfZero(weight);
        var weightPoint = BranchShifts.WeightPoint(weight);
        var options = new Ciphertext[choices.Count];
        var proofs = new byte[choices.Count][];
        var randomnesses = new Scalar[choices.Count];
        var randomnessSum = Scalar.Zero;
        for (var i = 0; i < choices.Count; i++)
        {
            var r = Scalar.RandomNonZero();
            randomnesses[i] = r;
            var ciphertext = ElGamal.Encrypt(publicKey, choices[i] ? weightPoint : GroupElement.Identity, r);
            options[i] = ciphertext;
            proofs[i] = BallotProofs.CreateOptionProof(context, publicKey, ciphertext, r, weight, weightPoint, choices[i])
                .ToArray();
            randomnessSum = randomnessSum.Add(r);
        }

        var chosen = choices.Count(c => c);
        var sumProof = BallotProofs.CreateSumProof(context, publicKey, options, randomnessSum, weight, min, max, chosen);
        randomness = randomnesses;
        return new EncryptedBallot(options, proofs, sumProof.ToArray());
    }

    /// <summary>Checks every option proof and the sum proof against the election's option count and bounds.</summary>
    public bool Verify(ReadOnlySpan<byte> context, GroupElement publicKey, ulong weight, int optionCount, int min, int max)
    {
        if (Options.Count != optionCount || OptionProofs.Count != optionCount || max > optionCount)
        {
            return false;
        }

        // Every part is parsed (canonical scalars, branch counts) and every A checked before any group operation, so
        // a malformed or plaintext-in-the-clear ballot costs microseconds whichever part is bad.
        if (weight == 0 || publicKey.IsIdentity || !BallotProofs.TryParseSumProof(SumProof, weight, min, max, out var sumProof))
        {
            return false;
        }

        var optionProofs = new DisjunctiveProof[optionCount];
        for (var i = 0; i < optionCount; i++)
        {
            if (Options[i].A.IsIdentity || !DisjunctiveProof.TryParse(OptionProofs[i], 2, out optionProofs[i]))
            {
                return false;
            }
        }

        // One base multiplication for the whole ballot: every branch of every proof shifts by a multiple of w·G.
        var weightPoint = BranchShifts.WeightPoint(weight);
        for (var i = 0; i < optionCount; i++)
        {
            if (!BallotProofs.VerifyOptionProof(context, publicKey, Options[i], weight, weightPoint, optionProofs[i]))
            {
                return false;
            }
        }

        return BallotProofs.VerifySumProof(context, publicKey, Options, weight, weightPoint, min, max, sumProof);
    }
}
