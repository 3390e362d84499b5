using VoteChain.Consensus.Ballots;
using static VoteChain.Consensus.Tests.Ballots.BallotTestSupport;

namespace VoteChain.Consensus.Tests.Ballots;

public sealed class DecryptionProofTests
{
    [Test]
    public void A_dleq_proof_is_accepted_when_honest_and_refused_when_tampered()
    {
        var trustee = ElGamalKeyPair.Generate();
        var (c, _) = ElGamal.Encrypt(ElGamalKeyPair.Generate().PublicKey, 9);
        var share = DecryptionShare.Create(Context(), 1, trustee.Secret, trustee.PublicKey, c);
        var (otherC, _) = ElGamal.Encrypt(trustee.PublicKey, 9);
        var wrongD = new DecryptionShare(1, share.D.Add(GroupElement.Generator), share.Proof);
        Assert.Multiple(() =>
        {
            Assert.That(share.Verify(Context(), trustee.PublicKey, c), Is.True);
            Assert.That(wrongD.Verify(Context(), trustee.PublicKey, c), Is.False);
            Assert.That(share.Verify(Context(election: "e2"), trustee.PublicKey, c), Is.False);
            Assert.That(share.Verify(Context(), ElGamalKeyPair.Generate().PublicKey, c), Is.False);
            Assert.That(share.Verify(Context(), trustee.PublicKey, otherC), Is.False);
            Assert.That(DleqProof.Verify(Context(), trustee.PublicKey, c.A, share.D, Flip(share.Proof, 40)), Is.False);
            Assert.That(DleqProof.Verify(Context(), trustee.PublicKey, c.A, share.D, WithScalarAt(share.Proof, 32, PlusOrder(share.Proof.AsSpan(32, 32)))), Is.False);
            Assert.That(DleqProof.Verify(Context(), trustee.PublicKey, c.A, share.D, share.Proof[1..]), Is.False);
            Assert.That(DleqProof.Verify(Context(), GroupElement.Identity, c.A, share.D, share.Proof), Is.False);
            Assert.That(DleqProof.Verify(Context(), trustee.PublicKey, GroupElement.Identity, GroupElement.Identity, share.Proof), Is.False);
        });
    }

    [Test]
    public void A_share_made_with_another_secret_is_refused()
    {
        var trustee = ElGamalKeyPair.Generate();
        var (c, _) = ElGamal.Encrypt(ElGamalKeyPair.Generate().PublicKey, 1);
        var cheat = DecryptionShare.Create(Context(), 1, Scalar.RandomNonZero(), trustee.PublicKey, c);
        Assert.That(cheat.Verify(Context(), trustee.PublicKey, c), Is.False);
    }

    [Test]
    public void A_schnorr_proof_is_accepted_when_honest_and_refused_when_tampered()
    {
        var key = ElGamalKeyPair.Generate();
        var proof = SchnorrProof.Create(Context(), key.Secret, key.PublicKey);
        Assert.Multiple(() =>
        {
            Assert.That(SchnorrProof.Verify(Context(), key.PublicKey, proof), Is.True);
            Assert.That(SchnorrProof.Verify(Context(credential: "dealer-2"), key.PublicKey, proof), Is.False);
            Assert.That(SchnorrProof.Verify(Context(), ElGamalKeyPair.Generate().PublicKey, proof), Is.False);
            Assert.That(SchnorrProof.Verify(Context(), key.PublicKey, Flip(proof, 3)), Is.False);
            Assert.That(SchnorrProof.Verify(Context(), key.PublicKey, WithScalarAt(proof, 0, PlusOrder(proof.AsSpan(0, 32)))), Is.False);
            Assert.That(SchnorrProof.Verify(Context(), key.PublicKey, [.. proof[32..], .. proof[..32]]), Is.False);
            Assert.That(SchnorrProof.Verify(Context(), GroupElement.Identity, SchnorrProof.Create(Context(), Scalar.Zero, GroupElement.Identity)), Is.False);
        });
    }
}
