using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace VoteChain.Consensus.Anonymous;

/// <summary>
/// A proof that an issuer key hides what it signs: blinding (m·r^e) is uniform only if x ↦ x^e permutes the units
/// mod n. An issuer that chose p ≡ 1 (mod e) could test e-th residuosity of z/m and link each blinded request to
/// the credential it became; <see cref="IssuerKeyCheck"/> cannot see that from the public key. So the issuer also
/// publishes e-th roots of <see cref="Rounds"/> values hashed from its key (Goldberg, Reyzin, Sagga, Baldimtsi 2019,
/// "Efficient noninteractive certification of RSA moduli and beyond"). If x ↦ x^e is not a permutation, at most one
/// unit in e has a root, so a bad key passes with probability at most 65537^-8 &lt; 2^-128, and a new try needs a
/// new key. The challenges depend on the key bytes alone, so the proof is checked once, when an election names the key.
/// </summary>
public static class IssuerKeyProof
{
    public const int Rounds = 8;

    public const int ProofSize = Rounds * IssuerKeyCheck.SignatureSize;

    private const string DomainTag = "votechain/v1/issuer-key-proof";

    // 32 bytes more than the modulus, so reducing mod n leaves a bias below 2^-256.
    private const int ChallengeBytes = IssuerKeyCheck.SignatureSize + 32;

    /// <summary>The values whose e-th roots make the proof, each modulus-length big-endian.</summary>
    public static byte[][] Challenges(ReadOnlySpan<byte> publicKeyDer)
    {
        var problem = IssuerKeyCheck.Problem(publicKeyDer);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(publicKeyDer));
        }

        var n = Modulus(publicKeyDer);
        var challenges = new byte[Rounds][];
        for (var i = 0; i < Rounds; i++)
        {
            challenges[i] = ToBytes(Challenge(publicKeyDer, n, i));
        }

        return challenges;
    }

    /// <summary>Why <paramref name="proof"/> does not show that <paramref name="publicKeyDer"/> hides messages, or null.</summary>
    public static string? Problem(ReadOnlySpan<byte> publicKeyDer, ReadOnlySpan<byte> proof)
    {
        var keyProblem = IssuerKeyCheck.Problem(publicKeyDer);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        if (proof.Length != ProofSize)
        {
            return $"An issuer key proof is {ProofSize} bytes; got {proof.Length}.";
        }

        var n = Modulus(publicKeyDer);
        var e = new BigInteger(IssuerKeyCheck.PublicExponent);
        for (var i = 0; i < Rounds; i++)
        {
            var challenge = Challenge(publicKeyDer, n, i);
            if (!BigInteger.GreatestCommonDivisor(challenge, n).IsOne)
            {
                return "An issuer key proof challenge shares a factor with the modulus.";
            }

            var root = new BigInteger(proof.Slice(i * IssuerKeyCheck.SignatureSize, IssuerKeyCheck.SignatureSize),
                isUnsigned: true, isBigEndian: true);
            if (root >= n || BigInteger.ModPow(root, e, n) != challenge)
            {
                return $"The issuer key proof's root {i} is wrong: the key may not hide what it signs.";
            }
        }

        return null;
    }

    private static BigInteger Challenge(ReadOnlySpan<byte> publicKeyDer, BigInteger n, int index)
    {
        var tag = Encoding.ASCII.GetBytes(DomainTag);
        var info = new byte[tag.Length + 4];
        tag.CopyTo(info, 0);
        BinaryPrimitives.WriteUInt32BigEndian(info.AsSpan(tag.Length), (uint)index);
        var bytes = new byte[ChallengeBytes];
        HKDF.DeriveKey(HashAlgorithmName.SHA384, publicKeyDer, bytes, [], info);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % n;
    }

    private static BigInteger Modulus(ReadOnlySpan<byte> publicKeyDer)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(publicKeyDer, out _);
        return new BigInteger(rsa.ExportParameters(false).Modulus, isUnsigned: true, isBigEndian: true);
    }

    private static byte[] ToBytes(BigInteger value)
    {
        var bytes = new byte[IssuerKeyCheck.SignatureSize];
        value.TryWriteBytes(bytes.AsSpan(IssuerKeyCheck.SignatureSize - value.GetByteCount(isUnsigned: true)),
            out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }
}
