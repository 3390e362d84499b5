using System.Numerics;

namespace VoteChain.Consensus.Crypto;

/// <summary>
/// Checks that 32 bytes encode a point of the Ed25519 curve (RFC 8032, 5.1.3). NSec imports any 32 bytes as a
/// public key, so without this a registration could hold a "key" no signature can ever match.
/// </summary>
internal static class Ed25519Point
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger D = Mod(-121665 * BigInteger.ModPow(121666, P - 2, P));

    public static bool IsOnCurve(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != 32)
        {
            return false;
        }

        Span<byte> yBytes = stackalloc byte[32];
        encoded.CopyTo(yBytes);
        var xIsOdd = (yBytes[31] & 0x80) != 0;
        yBytes[31] &= 0x7F;
        var y = new BigInteger(yBytes, isUnsigned: true, isBigEndian: false);
        if (y >= P)
        {
            return false;
        }

        // x^2 = (y^2 - 1) / (d y^2 + 1); the point exists when that is a square modulo p.
        var y2 = y * y % P;
        var u = Mod(y2 - 1);
        var v = Mod((D * y2) + 1);
        var x2 = u * BigInteger.ModPow(v, P - 2, P) % P;
        if (x2.IsZero)
        {
            return !xIsOdd;
        }

        return BigInteger.ModPow(x2, (P - 1) / 2, P).IsOne;
    }

    private static BigInteger Mod(BigInteger value)
    {
        var result = value % P;
        return result.Sign < 0 ? result + P : result;
    }
}
