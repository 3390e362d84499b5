namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Schnorr proof of knowledge of x with X = x·G (a DKG dealer proves it knows its constant term, which stops a
/// rogue-key choice of X). Encoded c ‖ z (64 bytes). Transcript: tag, context, X, t = k·G.
/// </summary>
public static class SchnorrProof
{
    public const int Size = 2 * Scalar.Size;

    public static byte[] Create(ReadOnlySpan<byte> context, Scalar secret, GroupElement publicElement)
    {
        var k = Scalar.RandomNonZero();
        var c = Challenge(context, publicElement, GroupElement.MultiplyBase(k));
        var z = k.Add(c.Multiply(secret));
        var proof = new byte[Size];
        c.CopyTo(proof);
        z.CopyTo(proof.AsSpan(Scalar.Size));
        return proof;
    }

    /// <summary>False for malformed or non-canonical proofs and for X = identity.</summary>
    public static bool Verify(ReadOnlySpan<byte> context, GroupElement publicElement, ReadOnlySpan<byte> proof)
    {
        if (proof.Length != Size || publicElement.IsIdentity
            || !Scalar.TryParse(proof[..Scalar.Size], out var c) || !Scalar.TryParse(proof[Scalar.Size..], out var z))
        {
            return false;
        }

        var t = GroupElement.MultiplyBase(z).Subtract(publicElement.Multiply(c));
        return Challenge(context, publicElement, t).Equals(c);
    }

    private static Scalar Challenge(ReadOnlySpan<byte> context, GroupElement x, GroupElement t)
    {
        using var transcript = new Transcript(BallotDomainTags.KnowledgeOfLog, context);
        transcript.Append(x).Append(t);
        return transcript.Challenge();
    }
}
