using VoteChain.Consensus.Ballots;
using static VoteChain.Consensus.Tests.Ballots.BallotTestSupport;

namespace VoteChain.Consensus.Tests.Ballots;

public sealed class BallotProofTests
{
    private const ulong W = 3;
    private readonly ElGamalKeyPair _key = ElGamalKeyPair.Generate();

    private (Ciphertext C, byte[] Proof) Option(ulong encrypted, bool claimChosen, byte[]? context = null)
    {
        var (c, r) = ElGamal.Encrypt(_key.PublicKey, encrypted);
        return (c, BallotProofs.CreateOptionProof(context ?? Context(), _key.PublicKey, c, r, W, claimChosen).ToArray());
    }

    [TestCase(0UL, false)]
    [TestCase(W, true)]
    public void An_honest_option_proof_is_accepted(ulong value, bool chosen)
    {
        var (c, proof) = Option(value, chosen);
        Assert.That(proof, Has.Length.EqualTo(128));
        Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, proof), Is.True);
    }

    [TestCase(2 * W, true)]
    [TestCase(W + 1, true)]
    [TestCase(1UL, false)]
    [TestCase(W, false)]
    public void An_option_encrypting_anything_but_zero_or_the_weight_is_refused(ulong value, bool claim)
    {
        var (c, proof) = Option(value, claim);
        Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, proof), Is.False);
    }

    [Test]
    public void An_option_proof_is_bound_to_its_whole_statement()
    {
        var (c, proof) = Option(W, true);
        var other = ElGamalKeyPair.Generate().PublicKey;
        var (otherC, _) = ElGamal.Encrypt(_key.PublicKey, W);
        Assert.Multiple(() =>
        {
            Assert.That(BallotProofs.VerifyOptionProof(Context(credential: "cred-b"), _key.PublicKey, c, W, proof), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(election: "e2"), _key.PublicKey, c, W, proof), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(weight: 4), _key.PublicKey, c, W, proof), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W + 1, proof), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), other, c, W, proof), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, otherC, W, proof), Is.False);
        });
    }

    [Test]
    public void Tampered_option_proofs_are_refused_without_throwing()
    {
        var (c, proof) = Option(0, false);
        var swapped = proof[64..].Concat(proof[..64]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, swapped), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, Flip(proof, 5)), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, proof[..96]), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, []), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, 0, proof), Is.False);
            // Same values mod L, non-canonical bytes: the challenge share c_0 and the response z_1.
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, WithScalarAt(proof, 0, PlusOrder(proof.AsSpan(0, 32)))), Is.False);
            Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, c, W, WithScalarAt(proof, 96, PlusOrder(proof.AsSpan(96, 32)))), Is.False);
        });
    }

    [Test]
    public void Identity_key_or_identity_randomness_is_refused()
    {
        // r = 0 leaves A = identity and B = v·G: the vote in the clear. A "proof" for it must not verify.
        var clear = new Ciphertext(GroupElement.Identity, GroupElement.Generator.Multiply(Scalar.FromUInt64(W)));
        var proof = BallotProofs.CreateOptionProof(Context(), _key.PublicKey, clear, Scalar.Zero, W, true).ToArray();
        Assert.That(BallotProofs.VerifyOptionProof(Context(), _key.PublicKey, clear, W, proof), Is.False);

        var (c, honest) = Option(W, true);
        Assert.That(BallotProofs.VerifyOptionProof(Context(), GroupElement.Identity, c, W, honest), Is.False);
    }

    [TestCase(2, 1, 1, new[] { 1 })]
    [TestCase(5, 1, 1, new[] { 4 })]
    [TestCase(4, 0, 3, new int[0])]
    [TestCase(4, 0, 3, new[] { 0, 2, 3 })]
    [TestCase(5, 2, 4, new[] { 0, 1, 3 })]
    [TestCase(5, 3, 5, new[] { 0, 1, 2, 3, 4 })]
    public void Honest_ballots_verify(int k, int min, int max, int[] chosen)
    {
        var choices = Enumerable.Range(0, k).Select(chosen.Contains).ToArray();
        var ballot = EncryptedBallot.Create(Context(), _key.PublicKey, W, choices, min, max);
        Assert.That(ballot.Verify(Context(), _key.PublicKey, W, k, min, max), Is.True);
        Assert.That(ballot.EncodedSize, Is.EqualTo(k * 192 + (max - min + 1) * 64));
    }

    [Test]
    public void A_sum_outside_the_bounds_is_refused()
    {
        // Two options chosen in a one-of-three election: each option proof is honest, the sum proof cannot be.
        var options = new List<Ciphertext>();
        var rSum = Scalar.Zero;
        foreach (var v in new[] { W, W, 0UL })
        {
            var (c, r) = ElGamal.Encrypt(_key.PublicKey, v);
            options.Add(c);
            rSum = rSum.Add(r);
        }

        var forged = EncryptionMembershipForge(options, rSum);
        Assert.That(BallotProofs.VerifySumProof(Context(), _key.PublicKey, options, W, 1, 1, forged), Is.False);
    }

    [Test]
    public void A_sum_proof_is_bound_to_the_options_in_order_and_to_the_bounds()
    {
        var ballot = EncryptedBallot.Create(Context(), _key.PublicKey, W, [true, false, false], 1, 1);
        var reordered = new[] { ballot.Options[1], ballot.Options[0], ballot.Options[2] };
        Assert.Multiple(() =>
        {
            Assert.That(BallotProofs.VerifySumProof(Context(), _key.PublicKey, ballot.Options, W, 1, 1, ballot.SumProof), Is.True);
            Assert.That(BallotProofs.VerifySumProof(Context(), _key.PublicKey, reordered, W, 1, 1, ballot.SumProof), Is.False);
            Assert.That(BallotProofs.VerifySumProof(Context(credential: "cred-b"), _key.PublicKey, ballot.Options, W, 1, 1, ballot.SumProof), Is.False);
            Assert.That(BallotProofs.VerifySumProof(Context(), _key.PublicKey, ballot.Options, W, 0, 0, ballot.SumProof), Is.False);
            Assert.That(BallotProofs.VerifySumProof(Context(), _key.PublicKey, [], W, 1, 1, ballot.SumProof), Is.False);
            Assert.That(BallotProofs.VerifySumProof(Context(), _key.PublicKey, ballot.Options, W, 1, 0, ballot.SumProof), Is.False);
            Assert.That(BallotProofs.VerifySumProof(Context(), _key.PublicKey, ballot.Options, ulong.MaxValue, 1, 2, ballot.SumProof), Is.False);
            Assert.That(ballot.Verify(Context(), _key.PublicKey, W, 4, 1, 1), Is.False);
            var swappedProofs = new EncryptedBallot(ballot.Options, [ballot.OptionProofs[1], ballot.OptionProofs[0], ballot.OptionProofs[2]], ballot.SumProof);
            Assert.That(swappedProofs.Verify(Context(), _key.PublicKey, W, 3, 1, 1), Is.False);
        });
    }

    // The prover claims the sum is w (the only allowed value) although it is 2w.
    private byte[] EncryptionMembershipForge(List<Ciphertext> options, Scalar rSum)
    {
        var proof = BallotProofs.CreateSumProof(Context(), _key.PublicKey, options, rSum, W, 1, 1, 1);
        return proof.ToArray();
    }
}
