using System.Runtime.InteropServices;

namespace VoteChain.Consensus.Crypto;

/// <summary>
/// Checks that 32 bytes encode a usable Ed25519 public key: a canonical encoding of a point on the curve, in the
/// main subgroup, not of small order. NSec imports any 32 bytes as a public key, so without this a registration
/// could hold a "key" no signature can ever match. The check is libsodium's (which NSec already loads): done with
/// big integers in C# it cost over a millisecond a key, too slow for registrations of thousands.
/// </summary>
internal static partial class Ed25519Point
{
    public static bool IsOnCurve(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != Ed25519.PublicKeySize)
        {
            return false;
        }

        // Touching NSec's algorithm first makes NSec run sodium_init, which libsodium needs before any call.
        _ = NSec.Cryptography.SignatureAlgorithm.Ed25519;
        return IsValidPoint(encoded.ToArray()) == 1;
    }

    [DllImport("libsodium", EntryPoint = "crypto_core_ed25519_is_valid_point", CallingConvention = CallingConvention.Cdecl)]
    private static extern int IsValidPoint(byte[] point);
}
