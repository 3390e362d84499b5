using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;

namespace VoteChain.Consensus.Tests.Secret;

public sealed class TrusteeKeyTests
{
    [Test]
    public void A_generated_key_round_trips_through_its_seed()
    {
        using var key = TrusteeKey.Generate();
        using var restored = TrusteeKey.FromSeed(key.ExportSeed());
        Assert.That(restored.PublicKey, Is.EqualTo(key.PublicKey));
        Assert.That(restored.DealingPolynomial("c", "e", 3).Commitments(), Is.EqualTo(key.DealingPolynomial("c", "e", 3).Commitments()));

        using var other = TrusteeKey.Generate();
        Assert.That(other.PublicKey, Is.Not.EqualTo(key.PublicKey));
    }

    [Test]
    public void The_dealing_polynomial_is_fixed_by_key_chain_and_election_and_differs_when_any_changes()
    {
        using var key = TrusteeKey.FromSeed(SecretTestChain.Seed(1));
        using var other = TrusteeKey.FromSeed(SecretTestChain.Seed(2));
        var secret = key.DealingPolynomial("chain", "e1", 3).Secret;

        using var again = TrusteeKey.FromSeed(SecretTestChain.Seed(1));
        Assert.That(again.DealingPolynomial("chain", "e1", 3).Evaluate(2), Is.EqualTo(key.DealingPolynomial("chain", "e1", 3).Evaluate(2)));
        Assert.That(key.DealingPolynomial("chain", "e2", 3).Secret, Is.Not.EqualTo(secret));
        Assert.That(key.DealingPolynomial("chain2", "e1", 3).Secret, Is.Not.EqualTo(secret));
        Assert.That(other.DealingPolynomial("chain", "e1", 3).Secret, Is.Not.EqualTo(secret));
        // The length prefixes keep ("ab", "c") apart from ("a", "bc").
        Assert.That(key.DealingPolynomial("ab", "c", 3).Secret, Is.Not.EqualTo(key.DealingPolynomial("a", "bc", 3).Secret));
    }

    [Test]
    public void The_dealing_polynomial_has_the_threshold_as_its_length_and_a_non_zero_secret()
    {
        using var key = TrusteeKey.FromSeed(SecretTestChain.Seed(3));
        var polynomial = key.DealingPolynomial("chain", "e1", 4);
        Assert.That(polynomial.Threshold, Is.EqualTo(4));
        Assert.That(polynomial.Secret.IsZero, Is.False);
        // A higher threshold extends the same coefficients: a_l depends on l, not on T.
        Assert.That(key.DealingPolynomial("chain", "e1", 2).Commitments(), Is.EqualTo(polynomial.Commitments().Take(2)));
        var commitments = polynomial.Commitments();
        Assert.That(GroupElement.MultiplyBase(polynomial.Evaluate(5)), Is.EqualTo(ShamirPolynomial.ExpectedShareKey(commitments, 5)));
    }
}
