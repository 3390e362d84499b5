using System.Text;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Tests;

public sealed class Ed25519Tests
{
    [Test]
    public void A_signature_verifies_with_its_key_and_not_after_tampering()
    {
        using var key = Ed25519KeyPair.Generate();
        var message = Encoding.UTF8.GetBytes("vote for option 2");
        var signature = key.Sign(message);

        Assert.That(Ed25519.Verify(key.PublicKey, message, signature), Is.True);
        message[0] ^= 1;
        Assert.That(Ed25519.Verify(key.PublicKey, message, signature), Is.False);
    }

    [Test]
    public void Malformed_keys_and_signatures_are_invalid_not_exceptions()
    {
        Assert.That(Ed25519.Verify(new byte[31], [1], new byte[64]), Is.False);
        Assert.That(Ed25519.Verify(new byte[32], [1], new byte[63]), Is.False);
    }

    [Test]
    public void A_key_pair_rebuilt_from_its_seed_has_the_same_public_key()
    {
        using var key = Ed25519KeyPair.Generate();
        using var again = Ed25519KeyPair.FromSeed(key.ExportSeed());
        Assert.That(again.PublicKey, Is.EqualTo(key.PublicKey));
    }
}
