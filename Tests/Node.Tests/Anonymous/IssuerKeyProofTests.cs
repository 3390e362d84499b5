using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using VoteChain.Consensus.Anonymous;
using VoteChain.Node.Anonymous;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace VoteChain.Node.Tests.Anonymous;

/// <summary>
/// The proof that an issuer key permutes the units (so blinding hides the message): an honest key proves it, a
/// proof does not transfer or survive tampering, and a key built to break blindness cannot prove it.
/// </summary>
public sealed class IssuerKeyProofTests
{
    private IssuerWeightKey _issuer = null!;

    [OneTimeSetUp]
    public void DeriveIssuerKey() => _issuer = IssuerWeightKey.Derive(new byte[32], "proof-test", "e1", 1);

    [Test]
    public void An_honest_key_proves_it_hides_messages_and_the_proof_does_not_transfer_or_bend()
    {
        var proof = IssuerKeyProver.Prove(_issuer.PrivateKey, _issuer.PublicKeyDer);
        Assert.That(IssuerKeyProof.Problem(_issuer.PublicKeyDer, proof), Is.Null);

        var other = IssuerWeightKey.Derive(new byte[32], "proof-test", "e1", 2);
        var altered = (byte[])proof.Clone();
        altered[IssuerKeyProof.ProofSize - 1] ^= 1;
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyProof.Problem(other.PublicKeyDer, proof), Does.Contain("root 0 is wrong"));
            Assert.That(IssuerKeyProof.Problem(_issuer.PublicKeyDer, altered), Does.Contain("root 7 is wrong"));
            Assert.That(IssuerKeyProof.Problem(_issuer.PublicKeyDer, proof.AsSpan(1)), Does.Contain("bytes"));
            Assert.That(IssuerKeyProof.Problem(_issuer.PublicKeyDer, new byte[IssuerKeyProof.ProofSize]), Is.Not.Null);
        });
    }

    [Test]
    public void A_key_with_p_congruent_to_1_mod_e_passes_the_shape_check_but_cannot_prove_it_hides_messages()
    {
        // x ↦ x^65537 is then 65537-to-1 mod p: blinded values would betray their messages by residuosity.
        var random = new SecureRandom();
        var e = BigInteger.ValueOf(IssuerKeyCheck.PublicExponent);
        BigInteger p, q, n;
        do
        {
            p = BadPrime(e, random);
            q = BigInteger.ProbablePrime(1536, random).SetBit(1534);
            q = q.IsProbablePrime(40) ? q : BigInteger.ProbablePrime(1536, random);
            n = p.Multiply(q);
        }
        while (n.BitLength != IssuerKeyCheck.KeyBits);

        // The best an issuer can do: an exponent that inverts e wherever it can be inverted.
        var lambda = p.Subtract(BigInteger.One).Divide(e).Multiply(q.Subtract(BigInteger.One));
        var d = e.ModInverse(lambda);
        var key = new RsaPrivateCrtKeyParameters(n, e, d, p, q, d.Mod(p.Subtract(BigInteger.One)),
            d.Mod(q.Subtract(BigInteger.One)), q.ModInverse(p));
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = n.ToByteArrayUnsigned(), Exponent = e.ToByteArrayUnsigned() });
        var der = rsa.ExportSubjectPublicKeyInfo();

        Assert.That(IssuerKeyCheck.Problem(der), Is.Null, "nothing in the public key shows the trap");
        Assert.That(() => IssuerKeyProver.Prove(key, der), Throws.TypeOf<CryptographicException>(),
            "the issuer's own self-check catches roots that are not roots");
        var forged = new byte[IssuerKeyProof.ProofSize];
        var challenges = IssuerKeyProof.Challenges(der);
        for (var i = 0; i < challenges.Length; i++)
        {
            var root = new BigInteger(1, challenges[i]).ModPow(d, n);
            Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(IssuerKeyCheck.SignatureSize, root)
                .CopyTo(forged, i * IssuerKeyCheck.SignatureSize);
        }

        Assert.That(IssuerKeyProof.Problem(der, forged), Does.Contain("is wrong"));
    }

    private static BigInteger BadPrime(BigInteger e, SecureRandom random)
    {
        while (true)
        {
            // k of 1519 bits with its two top bits set makes 2·k·e + 1 a 1536-bit number with its two top bits set.
            var k = new BigInteger(1519, random).SetBit(1518).SetBit(1517);
            var candidate = k.Multiply(e).ShiftLeft(1).Add(BigInteger.One);
            if (candidate.BitLength == 1536 && candidate.IsProbablePrime(40))
            {
                return candidate;
            }
        }
    }
}
