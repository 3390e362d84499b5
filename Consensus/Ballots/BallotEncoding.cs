namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Turns the wire parts of an encrypted ballot (bytes, as the protos carry them) into an <see cref="EncryptedBallot"/>
/// for an election with <c>optionCount</c> options and choice bounds min..max. Every count and length is checked
/// before the first point is parsed, and points are parsed canonically, so a malformed ballot is refused for the
/// price of a few comparisons and never reaches a group operation. Proof scalars are parsed by the verifier.
/// </summary>
public static class BallotEncoding
{
    /// <summary>Bytes of one option proof: two disjunctive branches (0 or the weight).</summary>
    public const int OptionProofSize = 2 * DisjunctiveProof.BranchSize;

    /// <summary>Bytes of the sum proof for bounds min..max: one branch per allowed count.</summary>
    public static long SumProofSize(int min, int max) => (long)(max - min + 1) * DisjunctiveProof.BranchSize;

    /// <returns>Null and the ballot when every part has the right size and every point is canonical; else the problem.</returns>
    public static string? TryParse(IReadOnlyList<ReadOnlyMemory<byte>> ciphertexts, IReadOnlyList<ReadOnlyMemory<byte>> optionProofs,
        ReadOnlySpan<byte> sumProof, int optionCount, int min, int max, out EncryptedBallot? ballot)
    {
        ballot = null;
        if (min < 0 || max < min || max > optionCount)
        {
            return $"The choice bounds {min}..{max} do not fit {optionCount} options.";
        }

        if (ciphertexts.Count != optionCount || optionProofs.Count != optionCount)
        {
            return $"The ballot holds {ciphertexts.Count} ciphertexts and {optionProofs.Count} option proofs; the election has {optionCount} options.";
        }

        for (var i = 0; i < optionCount; i++)
        {
            if (ciphertexts[i].Length != Ciphertext.Size || optionProofs[i].Length != OptionProofSize)
            {
                return $"Option {i}: a ciphertext is {Ciphertext.Size} bytes and an option proof {OptionProofSize}, not " +
                    $"{ciphertexts[i].Length} and {optionProofs[i].Length}.";
            }
        }

        if (sumProof.Length != SumProofSize(min, max))
        {
            return $"The sum proof is {sumProof.Length} bytes; choices {min}..{max} need {SumProofSize(min, max)}.";
        }

        var options = new Ciphertext[optionCount];
        for (var i = 0; i < optionCount; i++)
        {
            if (!Ciphertext.TryParse(ciphertexts[i].Span, out options[i]))
            {
                return $"Option {i}: the ciphertext is not two canonical ristretto255 points.";
            }
        }

        ballot = new EncryptedBallot(options, [.. optionProofs.Select(p => p.ToArray())], sumProof.ToArray());
        return null;
    }
}
