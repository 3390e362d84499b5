using System.Security.Cryptography;
using VoteChain.Consensus.Ballots;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// A dealer's key share f_i(j) travels on chain sealed to trustee j: a libsodium sealed box (ephemeral X25519 key,
/// XSalsa20-Poly1305) to the X25519 key converted from j's Ed25519 trustee key, so a trustee needs one key for
/// signing and receiving. 32-byte scalar in, <see cref="SealedSize"/> bytes out. Only j can open it; anyone can
/// check the opened value against the dealer's public commitments, which is what a complaint relies on.
/// </summary>
public static class ShareSealing
{
    public const int SealedSize = Scalar.Size + SodiumBox.SealBytes;

    /// <summary>
    /// Seals <paramref name="share"/> to the trustee key <paramref name="recipient"/>; false when that key cannot
    /// receive (not 32 bytes, or not a point of the main subgroup, which libsodium's conversion refuses).
    /// </summary>
    public static bool TrySeal(ReadOnlySpan<byte> recipient, Scalar share, out byte[] sealedShare)
    {
        sealedShare = [];
        if (recipient.Length != Crypto.Ed25519.PublicKeySize)
        {
            return false;
        }

        var curvePublic = new byte[SodiumBox.PublicKeyBytes];
        if (!SodiumBox.Ed25519PublicToCurve(curvePublic, recipient.ToArray()))
        {
            return false;
        }

        var message = share.ToArray();
        try
        {
            var cipher = new byte[SealedSize];
            if (!SodiumBox.Seal(cipher, message, curvePublic))
            {
                return false;
            }

            sealedShare = cipher;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
        }
    }

    /// <summary>
    /// Opens a share sealed to <paramref name="key"/>. False, never an exception, for a wrong length, a box that
    /// does not authenticate (another recipient, any flipped byte) or a plaintext that is not a canonical scalar.
    /// The Ed25519 and X25519 secret keys exist only for this call and are wiped before it returns.
    /// </summary>
    public static bool TryOpen(TrusteeKey key, ReadOnlySpan<byte> sealedShare, out Scalar share)
    {
        share = Scalar.Zero;
        if (sealedShare.Length != SealedSize)
        {
            return false;
        }

        var seed = key.ExportSeed();
        var signPublic = new byte[Crypto.Ed25519.PublicKeySize];
        var signSecret = new byte[SodiumBox.SignSecretKeyBytes];
        var curvePublic = new byte[SodiumBox.PublicKeyBytes];
        var curveSecret = new byte[SodiumBox.SecretKeyBytes];
        var message = new byte[Scalar.Size];
        try
        {
            return SodiumBox.SeedKeyPair(signPublic, signSecret, seed)
                && SodiumBox.Ed25519SecretToCurve(curveSecret, signSecret)
                && SodiumBox.Ed25519PublicToCurve(curvePublic, signPublic)
                && SodiumBox.Open(message, sealedShare.ToArray(), curvePublic, curveSecret)
                && Scalar.TryParse(message, out share);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(signSecret);
            CryptographicOperations.ZeroMemory(curveSecret);
            CryptographicOperations.ZeroMemory(message);
        }
    }
}
