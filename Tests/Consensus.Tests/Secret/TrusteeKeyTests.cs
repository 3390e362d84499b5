using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;

namespace VoteChain.Consensus.Tests.Secret;

public sealed class TrusteeKeyTests
{
    private static readonly byte[] Genesis = Enumerable.Repeat((byte)0x11, 32).ToArray();
    private static readonly byte[] CreatedTx = Enumerable.Repeat((byte)0x22, 32).ToArray();

    private static DealingContext Context(string chain = "chain", string election = "e1", byte[]? genesis = null, byte[]? createdTx = null) =>
        new(chain, genesis ?? Genesis, election, createdTx ?? CreatedTx);

    [Test]
    public void A_generated_key_round_trips_through_its_seed()
    {
        using var key = TrusteeKey.Generate();
        using var restored = TrusteeKey.FromSeed(key.ExportSeed());
        Assert.That(restored.PublicKey, Is.EqualTo(key.PublicKey));
        Assert.That(restored.DealingPolynomial(Context(), 3).Commitments(), Is.EqualTo(key.DealingPolynomial(Context(), 3).Commitments()));

        using var other = TrusteeKey.Generate();
        Assert.That(other.PublicKey, Is.Not.EqualTo(key.PublicKey));
    }

    [Test]
    public void The_dealing_polynomial_is_fixed_by_key_chain_and_election_and_differs_when_any_changes()
    {
        using var key = TrusteeKey.FromSeed(SecretTestChain.Seed(1));
        using var other = TrusteeKey.FromSeed(SecretTestChain.Seed(2));
        var secret = key.DealingPolynomial(Context(), 3).Secret;

        using var again = TrusteeKey.FromSeed(SecretTestChain.Seed(1));
        Assert.That(again.DealingPolynomial(Context(), 3).Evaluate(2), Is.EqualTo(key.DealingPolynomial(Context(), 3).Evaluate(2)));
        Assert.That(key.DealingPolynomial(Context(election: "e2"), 3).Secret, Is.Not.EqualTo(secret));
        Assert.That(key.DealingPolynomial(Context(chain: "chain2"), 3).Secret, Is.Not.EqualTo(secret));
        Assert.That(other.DealingPolynomial(Context(), 3).Secret, Is.Not.EqualTo(secret));
        // The length prefixes keep ("ab", "c") apart from ("a", "bc").
        Assert.That(key.DealingPolynomial(Context("ab", "c"), 3).Secret, Is.Not.EqualTo(key.DealingPolynomial(Context("a", "bc"), 3).Secret));
    }

    [Test]
    public void A_second_chain_reusing_the_chain_and_election_ids_gets_another_polynomial()
    {
        // The attack: another chain with the same chain id and election id names this key among its trustees; its
        // authority, holding T other trustee keys, would receive T evaluations of the same polynomial and recover a_0.
        using var key = TrusteeKey.FromSeed(SecretTestChain.Seed(1));
        var here = key.DealingPolynomial(Context(), 3);
        var otherGenesis = Enumerable.Repeat((byte)0x33, 32).ToArray();
        Assert.That(key.DealingPolynomial(Context(genesis: otherGenesis), 3).Secret, Is.Not.EqualTo(here.Secret));
        // Even on a chain with the same genesis, an election created by another transaction (say one re-created after
        // a reset that kept the genesis) deals afresh.
        var otherCreation = Enumerable.Repeat((byte)0x44, 32).ToArray();
        Assert.That(key.DealingPolynomial(Context(createdTx: otherCreation), 3).Secret, Is.Not.EqualTo(here.Secret));
        Assert.That(key.DealingPolynomial(Context(), 3).Secret, Is.EqualTo(here.Secret), "and the same inputs give the same polynomial");
    }

    [Test]
    public void The_dealing_polynomial_has_the_threshold_as_its_length_and_a_non_zero_secret()
    {
        using var key = TrusteeKey.FromSeed(SecretTestChain.Seed(3));
        var polynomial = key.DealingPolynomial(Context(), 4);
        Assert.That(polynomial.Threshold, Is.EqualTo(4));
        Assert.That(polynomial.Secret.IsZero, Is.False);
        // A higher threshold extends the same coefficients: a_l depends on l, not on T.
        Assert.That(key.DealingPolynomial(Context(), 2).Commitments(), Is.EqualTo(polynomial.Commitments().Take(2)));
        var commitments = polynomial.Commitments();
        Assert.That(GroupElement.MultiplyBase(polynomial.Evaluate(5)), Is.EqualTo(ShamirPolynomial.ExpectedShareKey(commitments, 5)));
    }
}
