namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Checks an opened ciphertext: that (A, B) is the encryption of v under H with randomness r, A = r·G and
/// B = v·G + r·H. This is the voter's side of a Benaloh challenge: the client shows r for a ballot it will not cast,
/// and anyone can recompute the ciphertext instead of trusting the client that made it.
/// </summary>
public static class CiphertextOpening
{
    /// <summary>True when r is non-zero and re-encrypting v with r under <paramref name="publicKey"/> gives exactly (A, B).</summary>
    public static bool Opens(Ciphertext ciphertext, GroupElement publicKey, Scalar randomness, ulong value)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(randomness);

        // r = 0 would be the value in the clear and the identity is no key: neither is a ballot a client may make.
        if (randomness.IsZero || !ElGamalKeyPair.IsUsablePublicKey(publicKey))
        {
            return false;
        }

        if (!GroupElement.MultiplyBase(randomness).Equals(ciphertext.A))
        {
            return false;
        }

        var expectedB = GroupElement.MultiplyBase(Scalar.FromUInt64(value)).Add(publicKey.Multiply(randomness));
        return expectedB.Equals(ciphertext.B);
    }
}
