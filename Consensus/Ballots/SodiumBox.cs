using System.Runtime.InteropServices;

namespace VoteChain.Consensus.Ballots;

/// <summary>
/// The libsodium calls that seal key shares to a trustee: the Ed25519-to-X25519 key conversions, the seed key pair
/// and sealed boxes (X25519 + XSalsa20-Poly1305 with an ephemeral sender key). Nothing here is hand-rolled; like
/// <see cref="RistrettoNative"/> it touches NSec first so sodium_init has run.
/// </summary>
internal static class SodiumBox
{
    public const int PublicKeyBytes = 32;
    public const int SecretKeyBytes = 32;
    public const int SignSecretKeyBytes = 64;
    public const int SealBytes = 48; // crypto_box_SEALBYTES: ephemeral public key and MAC

    static SodiumBox()
    {
        _ = NSec.Cryptography.SignatureAlgorithm.Ed25519;
    }

    /// <summary>False for a key that is not a canonical point of the main subgroup (small order, off curve).</summary>
    public static bool Ed25519PublicToCurve(byte[] curvePublic, byte[] edPublic) =>
        crypto_sign_ed25519_pk_to_curve25519(curvePublic, edPublic) == 0;

    public static bool Ed25519SecretToCurve(byte[] curveSecret, byte[] edSecret64) =>
        crypto_sign_ed25519_sk_to_curve25519(curveSecret, edSecret64) == 0;

    public static bool SeedKeyPair(byte[] publicKey, byte[] secretKey64, byte[] seed) =>
        crypto_sign_seed_keypair(publicKey, secretKey64, seed) == 0;

    public static bool Seal(byte[] cipher, byte[] message, byte[] recipientPublic) =>
        crypto_box_seal(cipher, message, (ulong)message.Length, recipientPublic) == 0;

    /// <summary>False when the box does not authenticate under this key pair.</summary>
    public static bool Open(byte[] message, byte[] cipher, byte[] recipientPublic, byte[] recipientSecret) =>
        cipher.Length >= SealBytes
        && crypto_box_seal_open(message, cipher, (ulong)cipher.Length, recipientPublic, recipientSecret) == 0;

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_sign_ed25519_pk_to_curve25519(byte[] curve25519Pk, byte[] ed25519Pk);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_sign_ed25519_sk_to_curve25519(byte[] curve25519Sk, byte[] ed25519Sk);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_sign_seed_keypair(byte[] pk, byte[] sk, byte[] seed);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_box_seal(byte[] c, byte[] m, ulong mlen, byte[] pk);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_box_seal_open(byte[] m, byte[] c, ulong clen, byte[] pk, byte[] sk);
}
