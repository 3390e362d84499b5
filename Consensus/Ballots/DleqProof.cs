namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Chaum-Pedersen proof that log_G(K) = log_A(D): a trustee's decryption share D = s·A uses the same s as its
/// verification key K = s·G. Encoded c ‖ z (64 bytes). Transcript: tag, context, K, A, D, t1 = k·G, t2 = k·A.
/// </summary>
public static class DleqProof
{
    public const int Size = 2 * Scalar.Size;

    public static byte[] Create(ReadOnlySpan<byte> context, Scalar secret, GroupElement verificationKey,
        GroupElement a, GroupElement d)
    {
        var k = Scalar.RandomNonZero();
        var c = Challenge(context, verificationKey, a, d, GroupElement.MultiplyBase(k), a.Multiply(k));
        var z = k.Add(c.Multiply(secret));
        var proof = new byte[Size];
        c.CopyTo(proof);
        z.CopyTo(proof.AsSpan(Scalar.Size));
        return proof;
    }

    /// <summary>False for malformed or non-canonical proofs, and for the identity as K, A or D.</summary>
    public static bool Verify(ReadOnlySpan<byte> context, GroupElement verificationKey, GroupElement a,
        GroupElement d, ReadOnlySpan<byte> proof)
    {
        if (proof.Length != Size || verificationKey.IsIdentity || a.IsIdentity || d.IsIdentity
            || !Scalar.TryParse(proof[..Scalar.Size], out var c) || !Scalar.TryParse(proof[Scalar.Size..], out var z))
        {
            return false;
        }

        var t1 = GroupElement.MultiplyBase(z).Subtract(verificationKey.Multiply(c));
        var t2 = a.Multiply(z).Subtract(d.Multiply(c));
        return Challenge(context, verificationKey, a, d, t1, t2).Equals(c);
    }

    private static Scalar Challenge(ReadOnlySpan<byte> context, GroupElement k, GroupElement a, GroupElement d,
        GroupElement t1, GroupElement t2)
    {
        using var transcript = new Transcript(BallotDomainTags.DecryptionShare, context);
        transcript.Append(k).Append(a).Append(d).Append(t1).Append(t2);
        return transcript.Challenge();
    }
}
