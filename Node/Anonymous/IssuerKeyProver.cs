using Org.BouncyCastle.Crypto.Parameters;
using VoteChain.Consensus.Anonymous;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// The issuer's half of <see cref="IssuerKeyProof"/>: e-th roots of the key's challenges, made with the same private
/// operation (and self-check) as a blind signature. About eight blind signatures' worth of work, once per key.
/// </summary>
public static class IssuerKeyProver
{
    public static byte[] Prove(RsaPrivateCrtKeyParameters privateKey, byte[] publicKeyDer)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var proof = new byte[IssuerKeyProof.ProofSize];
        var challenges = IssuerKeyProof.Challenges(publicKeyDer);
        for (var i = 0; i < challenges.Length; i++)
        {
            BlindRsa.BlindSign(privateKey, challenges[i]).CopyTo(proof, i * IssuerKeyCheck.SignatureSize);
        }

        return proof;
    }
}
