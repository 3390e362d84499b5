using VoteChain.Consensus.Ballots;

namespace VoteChain.Consensus.Tests.Ballots;

public sealed class CiphertextOpeningTests
{
    private readonly ElGamalKeyPair _key = ElGamalKeyPair.Generate();

    [TestCase(0UL)]
    [TestCase(7UL)]
    public void A_ciphertext_opens_to_its_value_and_randomness(ulong value)
    {
        var (c, r) = ElGamal.Encrypt(_key.PublicKey, value);

        Assert.That(CiphertextOpening.Opens(c, _key.PublicKey, r, value), Is.True);
    }

    [Test]
    public void Another_value_randomness_or_key_does_not_open_it()
    {
        var (c, r) = ElGamal.Encrypt(_key.PublicKey, 1);
        var other = ElGamalKeyPair.Generate();

        Assert.That(CiphertextOpening.Opens(c, _key.PublicKey, r, 0), Is.False, "wrong value");
        Assert.That(CiphertextOpening.Opens(c, _key.PublicKey, r.Add(Scalar.One), 1), Is.False, "wrong randomness");
        Assert.That(CiphertextOpening.Opens(c, other.PublicKey, r, 1), Is.False, "wrong key");
        Assert.That(CiphertextOpening.Opens(c, GroupElement.Identity, r, 1), Is.False, "identity key");
    }

    [Test]
    public void Zero_randomness_is_never_an_opening_even_of_a_value_in_the_clear()
    {
        var clear = new Ciphertext(GroupElement.Identity, GroupElement.MultiplyBase(Scalar.FromUInt64(5)));

        Assert.That(CiphertextOpening.Opens(clear, _key.PublicKey, Scalar.Zero, 5), Is.False);
    }

    [Test]
    public void A_ballot_created_with_its_randomness_opens_option_by_option_and_still_verifies()
    {
        byte[] context = [1, 2, 3];
        const ulong weight = 4;
        bool[] choices = [false, true, false];

        var ballot = EncryptedBallot.Create(context, _key.PublicKey, weight, choices, 1, 1, out var randomness);

        Assert.That(randomness, Has.Count.EqualTo(3));
        for (var i = 0; i < 3; i++)
        {
            Assert.That(CiphertextOpening.Opens(ballot.Options[i], _key.PublicKey, randomness[i], choices[i] ? weight : 0), Is.True);
        }

        Assert.That(ballot.Verify(context, _key.PublicKey, weight, 3, 1, 1), Is.True);
    }
}
