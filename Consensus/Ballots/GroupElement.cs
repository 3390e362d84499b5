using System.Security.Cryptography;

namespace VoteChain.Consensus.Ballots;

/// <summary>
/// A ristretto255 group element in its canonical 32-byte encoding. The identity (32 zero bytes) is representable,
/// because a tally of zero or an empty sum is the identity; the places where it is forbidden (public keys, proof
/// statements) check <see cref="IsIdentity"/> themselves. libsodium's scalar multiplications return -1 for an
/// identity result: that is mapped to <see cref="Identity"/> here, never treated as an error.
/// </summary>
public sealed class GroupElement : IEquatable<GroupElement>
{
    public const int Size = RistrettoNative.PointBytes;

    private readonly byte[] _bytes;

    private GroupElement(byte[] bytes) => _bytes = bytes;

    public static GroupElement Identity { get; } = new(new byte[Size]);

    /// <summary>The standard generator G (the image of scalar one).</summary>
    public static GroupElement Generator { get; } = MultiplyBase(Scalar.One);

    public bool IsIdentity => _bytes.AsSpan().IndexOfAnyExcept((byte)0) < 0;

    /// <summary>Accepts only canonical encodings of group elements (identity included).</summary>
    public static bool TryParse(ReadOnlySpan<byte> encoded, out GroupElement element)
    {
        element = Identity;
        if (encoded.Length != Size)
        {
            return false;
        }

        var bytes = encoded.ToArray();
        if (!RistrettoNative.IsValidPoint(bytes))
        {
            return false;
        }

        element = new GroupElement(bytes);
        return true;
    }

    /// <summary>Hashes 64 uniform bytes onto the group (for independent generators nobody knows a log of).</summary>
    public static GroupElement FromHash(ReadOnlySpan<byte> hash64)
    {
        if (hash64.Length != RistrettoNative.HashBytes)
        {
            throw new ArgumentException("from_hash takes 64 bytes", nameof(hash64));
        }

        var bytes = new byte[Size];
        RistrettoNative.FromHash(bytes, hash64.ToArray());
        return new GroupElement(bytes);
    }

    /// <summary>s·G; the identity when s = 0.</summary>
    public static GroupElement MultiplyBase(Scalar s)
    {
        var bytes = new byte[Size];
        return RistrettoNative.ScalarMultBase(bytes, s.Raw) ? new GroupElement(bytes) : Identity;
    }

    /// <summary>s·this; the identity when s = 0 or this is the identity.</summary>
    public GroupElement Multiply(Scalar s)
    {
        var bytes = new byte[Size];
        return RistrettoNative.ScalarMult(bytes, s.Raw, _bytes) ? new GroupElement(bytes) : Identity;
    }

    public GroupElement Add(GroupElement other)
    {
        var bytes = new byte[Size];
        // Both operands are valid by construction, so libsodium cannot refuse them.
        if (!RistrettoNative.Add(bytes, _bytes, other._bytes))
        {
            throw new InvalidOperationException("libsodium refused a valid point");
        }

        return new GroupElement(bytes);
    }

    public GroupElement Subtract(GroupElement other)
    {
        var bytes = new byte[Size];
        if (!RistrettoNative.Sub(bytes, _bytes, other._bytes))
        {
            throw new InvalidOperationException("libsodium refused a valid point");
        }

        return new GroupElement(bytes);
    }

    public byte[] ToArray() => (byte[])_bytes.Clone();

    public void CopyTo(Span<byte> destination) => _bytes.CopyTo(destination);

    internal ReadOnlySpan<byte> Span => _bytes;

    // Canonical encodings are unique, so byte equality is group equality.
    public bool Equals(GroupElement? other) => other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    public override bool Equals(object? obj) => Equals(obj as GroupElement);

    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    public override string ToString() => Convert.ToHexStringLower(_bytes);
}
