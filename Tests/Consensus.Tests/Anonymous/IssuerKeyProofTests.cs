using System.Security.Cryptography;
using VoteChain.Consensus.Anonymous;

namespace VoteChain.Consensus.Tests.Anonymous;

/// <summary>The chain's check of an issuer key proof, with a BCL key and roots computed from its private exponent.</summary>
public sealed class IssuerKeyProofTests
{
    [Test]
    public void Roots_made_with_the_private_key_are_accepted_and_garbage_is_refused_without_an_exception()
    {
        using var rsa = RSA.Create(IssuerKeyCheck.KeyBits);
        var der = rsa.ExportSubjectPublicKeyInfo();
        var proof = AnonymousTestChain.ValidityProof(rsa);

        var swapped = (byte[])proof.Clone();
        proof.AsSpan(0, IssuerKeyCheck.SignatureSize).CopyTo(swapped.AsSpan(IssuerKeyCheck.SignatureSize));
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyProof.Problem(der, proof), Is.Null);
            Assert.That(IssuerKeyProof.Problem(der, swapped), Does.Contain("root 1 is wrong"), "roots in the wrong places");
            Assert.That(IssuerKeyProof.Problem(der, RandomNumberGenerator.GetBytes(IssuerKeyProof.ProofSize)), Is.Not.Null);
            Assert.That(IssuerKeyProof.Problem(der, Enumerable.Repeat((byte)0xFF, IssuerKeyProof.ProofSize).ToArray()),
                Does.Contain("root 0 is wrong"), "roots not below the modulus");
            Assert.That(IssuerKeyProof.Problem(RandomNumberGenerator.GetBytes(400), proof), Is.Not.Null, "garbage key");
            Assert.That(() => IssuerKeyProof.Challenges(new byte[10]), Throws.ArgumentException);
        });
    }
}
