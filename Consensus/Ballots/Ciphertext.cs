namespace VoteChain.Consensus.Ballots;

/// <summary>
/// An exponential ElGamal ciphertext (A, B) = (r·G, v·G + r·H). Adding ciphertexts adds plaintexts and randomness,
/// which is what lets the tally be kept encrypted. Encoded as A ‖ B, 64 bytes; the zero ciphertext (both identity)
/// is valid and is the empty tally.
/// </summary>
public sealed class Ciphertext : IEquatable<Ciphertext>
{
    public const int Size = 2 * GroupElement.Size;

    public Ciphertext(GroupElement a, GroupElement b)
    {
        A = a;
        B = b;
    }

    public static Ciphertext Zero { get; } = new(GroupElement.Identity, GroupElement.Identity);

    public GroupElement A { get; }

    public GroupElement B { get; }

    public static bool TryParse(ReadOnlySpan<byte> encoded, out Ciphertext ciphertext)
    {
        ciphertext = Zero;
        if (encoded.Length != Size
            || !GroupElement.TryParse(encoded[..GroupElement.Size], out var a)
            || !GroupElement.TryParse(encoded[GroupElement.Size..], out var b))
        {
            return false;
        }

        ciphertext = new Ciphertext(a, b);
        return true;
    }

    public Ciphertext Add(Ciphertext other) => new(A.Add(other.A), B.Add(other.B));

    public Ciphertext Subtract(Ciphertext other) => new(A.Subtract(other.A), B.Subtract(other.B));

    /// <summary>Starts from the first term rather than from <see cref="Zero"/>: adding the identity is a full group addition.</summary>
    public static Ciphertext Sum(IEnumerable<Ciphertext> ciphertexts)
    {
        Ciphertext? sum = null;
        foreach (var c in ciphertexts)
        {
            sum = sum is null ? c : sum.Add(c);
        }

        return sum ?? Zero;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        A.CopyTo(bytes);
        B.CopyTo(bytes.AsSpan(GroupElement.Size));
        return bytes;
    }

    public bool Equals(Ciphertext? other) => other is not null && A.Equals(other.A) && B.Equals(other.B);

    public override bool Equals(object? obj) => Equals(obj as Ciphertext);

    public override int GetHashCode() => HashCode.Combine(A, B);
}
