using System.Runtime.InteropServices;

namespace VoteChain.Consensus.Ballots;

/// <summary>
/// The libsodium ristretto255 calls this folder composes, and nothing else. libsodium is the native library NSec
/// already loads; every primitive (group law, encoding checks, scalar arithmetic mod L) is libsodium's, so no curve
/// arithmetic is hand-rolled here. The wrappers touch NSec first because libsodium needs sodium_init before any call.
/// </summary>
internal static class RistrettoNative
{
    public const int PointBytes = 32;
    public const int ScalarBytes = 32;
    public const int HashBytes = 64;

    static RistrettoNative()
    {
        // NSec runs sodium_init when its algorithms are first touched.
        _ = NSec.Cryptography.SignatureAlgorithm.Ed25519;
    }

    public static bool IsValidPoint(byte[] p) => crypto_core_ristretto255_is_valid_point(p) == 1;

    public static bool Add(byte[] r, byte[] p, byte[] q) => crypto_core_ristretto255_add(r, p, q) == 0;

    public static bool Sub(byte[] r, byte[] p, byte[] q) => crypto_core_ristretto255_sub(r, p, q) == 0;

    public static void FromHash(byte[] p, byte[] hash64) => _ = crypto_core_ristretto255_from_hash(p, hash64);

    /// <summary>False when the product is the identity (libsodium returns -1 then and leaves q all zero).</summary>
    public static bool ScalarMult(byte[] q, byte[] n, byte[] p) => crypto_scalarmult_ristretto255(q, n, p) == 0;

    /// <summary>False when the product is the identity, i.e. n = 0 mod L.</summary>
    public static bool ScalarMultBase(byte[] q, byte[] n) => crypto_scalarmult_ristretto255_base(q, n) == 0;

    public static void ScalarRandom(byte[] r) => crypto_core_ristretto255_scalar_random(r);

    public static void ScalarReduce(byte[] r, byte[] s64) => crypto_core_ristretto255_scalar_reduce(r, s64);

    public static void ScalarAdd(byte[] z, byte[] x, byte[] y) => crypto_core_ristretto255_scalar_add(z, x, y);

    public static void ScalarSub(byte[] z, byte[] x, byte[] y) => crypto_core_ristretto255_scalar_sub(z, x, y);

    public static void ScalarMul(byte[] z, byte[] x, byte[] y) => crypto_core_ristretto255_scalar_mul(z, x, y);

    public static void ScalarNegate(byte[] neg, byte[] s) => crypto_core_ristretto255_scalar_negate(neg, s);

    /// <summary>False for the zero scalar, which has no inverse.</summary>
    public static bool ScalarInvert(byte[] recip, byte[] s) => crypto_core_ristretto255_scalar_invert(recip, s) == 0;

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_core_ristretto255_is_valid_point(byte[] p);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_core_ristretto255_add(byte[] r, byte[] p, byte[] q);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_core_ristretto255_sub(byte[] r, byte[] p, byte[] q);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_core_ristretto255_from_hash(byte[] p, byte[] r);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_scalarmult_ristretto255(byte[] q, byte[] n, byte[] p);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_scalarmult_ristretto255_base(byte[] q, byte[] n);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern void crypto_core_ristretto255_scalar_random(byte[] r);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern void crypto_core_ristretto255_scalar_reduce(byte[] r, byte[] s);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern void crypto_core_ristretto255_scalar_add(byte[] z, byte[] x, byte[] y);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern void crypto_core_ristretto255_scalar_sub(byte[] z, byte[] x, byte[] y);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern void crypto_core_ristretto255_scalar_mul(byte[] z, byte[] x, byte[] y);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern void crypto_core_ristretto255_scalar_negate(byte[] neg, byte[] s);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_core_ristretto255_scalar_invert(byte[] recip, byte[] s);
}
