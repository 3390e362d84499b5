using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VoteChain.Consensus.Ballots;

/// <summary>
/// An integer mod L (the ristretto255 group order), always held in its canonical 32-byte little-endian form.
/// Parsing refuses encodings >= L so every scalar has exactly one encoding and a proof cannot be re-encoded
/// (malleated) into another valid one. Equality is constant time because scalars are often secrets.
/// </summary>
public sealed class Scalar : IEquatable<Scalar>
{
    public const int Size = RistrettoNative.ScalarBytes;

    // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    private static readonly byte[] Order =
    [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    private readonly byte[] _bytes;

    private Scalar(byte[] bytes) => _bytes = bytes;

    public static Scalar Zero { get; } = new(new byte[Size]);

    public static Scalar One { get; } = FromUInt64(1);

    public bool IsZero => CryptographicOperations.FixedTimeEquals(_bytes, Zero._bytes);

    /// <summary>Accepts exactly 32 bytes encoding an integer below L.</summary>
    public static bool TryParse(ReadOnlySpan<byte> encoded, out Scalar scalar)
    {
        scalar = Zero;
        if (encoded.Length != Size || !IsBelowOrder(encoded))
        {
            return false;
        }

        scalar = new Scalar(encoded.ToArray());
        return true;
    }

    public static Scalar FromUInt64(ulong value)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return new Scalar(bytes);
    }

    /// <summary>A uniformly random scalar from libsodium's CSPRNG (nonces and ElGamal randomness).</summary>
    public static Scalar Random()
    {
        var bytes = new byte[Size];
        RistrettoNative.ScalarRandom(bytes);
        return new Scalar(bytes);
    }

    /// <summary>A random non-zero scalar: secret keys and blinding factors must never be zero.</summary>
    public static Scalar RandomNonZero()
    {
        while (true)
        {
            var s = Random();
            if (!s.IsZero)
            {
                return s;
            }
        }
    }

    /// <summary>Reduces 64 bytes (a SHA-512 digest) mod L: uniform enough for Fiat-Shamir challenges.</summary>
    public static Scalar FromWideBytes(ReadOnlySpan<byte> wide)
    {
        if (wide.Length != RistrettoNative.HashBytes)
        {
            throw new ArgumentException("a wide scalar is 64 bytes", nameof(wide));
        }

        var bytes = new byte[Size];
        RistrettoNative.ScalarReduce(bytes, wide.ToArray());
        return new Scalar(bytes);
    }

    public Scalar Add(Scalar other) => Binary(other, RistrettoNative.ScalarAdd);

    public Scalar Subtract(Scalar other) => Binary(other, RistrettoNative.ScalarSub);

    public Scalar Multiply(Scalar other) => Binary(other, RistrettoNative.ScalarMul);

    public Scalar Negate()
    {
        var bytes = new byte[Size];
        RistrettoNative.ScalarNegate(bytes, _bytes);
        return new Scalar(bytes);
    }

    /// <summary>The inverse mod L; zero has none.</summary>
    public Scalar Invert()
    {
        var bytes = new byte[Size];
        if (!RistrettoNative.ScalarInvert(bytes, _bytes))
        {
            throw new InvalidOperationException("zero has no inverse");
        }

        return new Scalar(bytes);
    }

    public byte[] ToArray() => (byte[])_bytes.Clone();

    public void CopyTo(Span<byte> destination) => _bytes.CopyTo(destination);

    internal byte[] Raw => _bytes;

    public bool Equals(Scalar? other) => other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    public override bool Equals(object? obj) => Equals(obj as Scalar);

    // Scalars may be secret: the hash uses no secret bytes beyond what Equals already compares.
    public override int GetHashCode() => 0;

    private Scalar Binary(Scalar other, Action<byte[], byte[], byte[]> op)
    {
        var bytes = new byte[Size];
        op(bytes, _bytes, other._bytes);
        return new Scalar(bytes);
    }

    private static bool IsBelowOrder(ReadOnlySpan<byte> encoded)
    {
        // Compare from the most significant byte; public inputs, so a branching compare is fine.
        for (var i = Size - 1; i >= 0; i--)
        {
            if (encoded[i] != Order[i])
            {
                return encoded[i] < Order[i];
            }
        }

        return false;
    }
}
