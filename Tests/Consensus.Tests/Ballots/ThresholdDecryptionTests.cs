using CsCheck;
using VoteChain.Consensus.Ballots;
using static VoteChain.Consensus.Tests.Ballots.BallotTestSupport;

namespace VoteChain.Consensus.Tests.Ballots;

public sealed class ThresholdDecryptionTests
{
    private sealed record Trustees(GroupElement JointKey, Scalar[] Shares, GroupElement[] VerificationKeys);

    // A dealer-free stand-in for the DKG: n trustees each deal a polynomial; shares and keys add up.
    private static Trustees Deal(int n, int t)
    {
        var polys = Enumerable.Range(0, n).Select(_ => ShamirPolynomial.Random(t)).ToArray();
        var shares = new Scalar[n];
        var keys = new GroupElement[n];
        for (var i = 0; i < n; i++)
        {
            var index = (uint)(i + 1);
            shares[i] = polys.Aggregate(Scalar.Zero, (acc, p) => acc.Add(p.Evaluate(index)));
            keys[i] = polys.Aggregate(GroupElement.Identity, (acc, p) => acc.Add(ShamirPolynomial.ExpectedShareKey(p.Commitments(), index)));
            Assert.That(keys[i], Is.EqualTo(GroupElement.MultiplyBase(shares[i])), "Feldman check of a share");
        }

        var joint = polys.Aggregate(GroupElement.Identity, (acc, p) => acc.Add(p.Commitments()[0]));
        return new Trustees(joint, shares, keys);
    }

    private static DecryptionShare Share(Trustees trustees, int i, Ciphertext c) =>
        DecryptionShare.Create(Context(), (uint)(i + 1), trustees.Shares[i], trustees.VerificationKeys[i], c);

    [Test]
    public void T_of_n_shares_decrypt_with_a_trustee_absent()
    {
        var trustees = Deal(n: 4, t: 3);
        var (c, _) = ElGamal.Encrypt(trustees.JointKey, 1234);
        var table = new DiscreteLogTable(1_000_000);
        foreach (var present in new[] { new[] { 0, 1, 2 }, new[] { 1, 2, 3 }, new[] { 0, 2, 3 }, new[] { 0, 1, 2, 3 } })
        {
            var shares = present.Select(i => Share(trustees, i, c)).ToArray();
            Assert.That(shares.All(s => s.Verify(Context(), trustees.VerificationKeys[s.Index - 1], c)), Is.True);
            Assert.That(ThresholdDecryption.TryCombine(c, shares, out var element), Is.True);
            Assert.That(table.TrySolve(element, out var v) ? v : ulong.MaxValue, Is.EqualTo(1234));
            Assert.That(ThresholdDecryption.ResultMatches(1234, element), Is.True);
            Assert.That(ThresholdDecryption.ResultMatches(1235, element), Is.False);
        }

        // Fewer than T shares give a wrong element, not the plaintext.
        Assert.That(ThresholdDecryption.TryCombine(c, [Share(trustees, 0, c), Share(trustees, 1, c)], out var tooFew), Is.True);
        Assert.That(ThresholdDecryption.ResultMatches(1234, tooFew), Is.False);
    }

    [Test]
    public void A_zero_tally_decrypts_to_zero()
    {
        var trustees = Deal(n: 3, t: 2);
        var (c, _) = ElGamal.Encrypt(trustees.JointKey, 5);
        var empty = c.Subtract(c);
        Assert.That(ThresholdDecryption.TryCombine(c, [Share(trustees, 0, c), Share(trustees, 2, c)], out _), Is.True);
        // The empty tally's A is the identity: the DLEQ refuses it, and there is nothing to hide, B is 0·G.
        Assert.That(empty.A.IsIdentity && empty.B.IsIdentity, Is.True);
        Assert.That(new DiscreteLogTable(10).TrySolve(empty.B, out var v) && v == 0, Is.True);
    }

    [Test]
    public void Bad_index_sets_are_refused()
    {
        Assert.That(ThresholdDecryption.TryLagrangeAtZero([], out _), Is.False);
        Assert.That(ThresholdDecryption.TryLagrangeAtZero([0, 1], out _), Is.False);
        Assert.That(ThresholdDecryption.TryLagrangeAtZero([2, 2], out _), Is.False);
        Assert.That(ThresholdDecryption.TryLagrangeAtZero([1, 2, 5], out var lambdas), Is.True);
        Assert.That(lambdas.Aggregate(Scalar.Zero, (acc, l) => acc.Add(l)), Is.EqualTo(Scalar.One), "Σ λ_j = 1 (f = 1 is constant)");
    }

    [Test]
    public void The_discrete_log_stays_within_its_bound()
    {
        var table = new DiscreteLogTable(100);
        Assert.That(table.TrySolve(GroupElement.MultiplyBase(Scalar.FromUInt64(100)), out var v) && v == 100, Is.True);
        Assert.That(table.TrySolve(GroupElement.Identity, out v) && v == 0, Is.True);
        Assert.That(table.TrySolve(GroupElement.MultiplyBase(Scalar.FromUInt64(101)), out _), Is.False);
        Assert.That(table.TrySolve(GroupElement.MultiplyBase(Scalar.FromUInt64(5000)), out _), Is.False);
        Assert.That(() => new DiscreteLogTable(ulong.MaxValue), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void The_decrypted_homomorphic_sum_equals_the_plaintext_sum()
    {
        var trustees = Deal(n: 4, t: 3);
        var table = new DiscreteLogTable(20 * 50);
        var votes = Gen.Select(Gen.Int[1, 50], Gen.Bool).Select((w, chosen) => (Weight: (ulong)w, Chosen: chosen));
        votes.Array[0, 20].Sample(history =>
        {
            var tally = Ciphertext.Zero;
            foreach (var (weight, chosen) in history)
            {
                var (c, r) = ElGamal.Encrypt(trustees.JointKey, chosen ? weight : 0);
                Assert.That(BallotProofs.VerifyOptionProof(Context(weight: weight), trustees.JointKey, c, weight,
                    BallotProofs.CreateOptionProof(Context(weight: weight), trustees.JointKey, c, r, weight, chosen).ToArray()), Is.True);
                tally = tally.Add(c);
            }

            var expected = history.Where(v => v.Chosen).Aggregate(0UL, (acc, v) => acc + v.Weight);
            ulong decrypted;
            if (tally.A.IsIdentity)
            {
                Assert.That(table.TrySolve(tally.B, out decrypted), Is.True);
            }
            else
            {
                var shares = new[] { 3, 0, 1 }.Select(i => Share(trustees, i, tally)).ToArray();
                Assert.That(ThresholdDecryption.TryCombine(tally, shares, out var element), Is.True);
                Assert.That(table.TrySolve(element, out decrypted), Is.True);
            }

            Assert.That(decrypted, Is.EqualTo(expected));
        }, iter: 15);
    }
}
