namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Trustee <see cref="Index"/>'s partial decryption D = s_i·A of one ciphertext, with the DLEQ proof that it used
/// the secret behind its verification key K_i = s_i·G.
/// </summary>
public sealed class DecryptionShare
{
    public DecryptionShare(uint index, GroupElement d, byte[] proof)
    {
        Index = index;
        D = d;
        Proof = proof;
    }

    public uint Index { get; }

    public GroupElement D { get; }

    public byte[] Proof { get; }

    public static DecryptionShare Create(ReadOnlySpan<byte> context, uint index, Scalar secretShare,
        GroupElement verificationKey, Ciphertext ciphertext)
    {
        var d = ciphertext.A.Multiply(secretShare);
        return new DecryptionShare(index, d, DleqProof.Create(context, secretShare, verificationKey, ciphertext.A, d));
    }

    public bool Verify(ReadOnlySpan<byte> context, GroupElement verificationKey, Ciphertext ciphertext) =>
        DleqProof.Verify(context, verificationKey, ciphertext.A, D, Proof);
}
