using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Peers;

namespace VoteChain.Networking.Tests;

/// <summary>Which key a dialed node may announce before this node signs a Hello naming it (finding 6 of the issue 9 review).</summary>
public sealed class PeerDialingTests
{
    private const string ValidatorUrl = "http://127.0.0.1:7001";
    private const string OtherUrl = "http://127.0.0.1:7999";

    [Test]
    public void A_validator_endpoint_must_announce_its_validator_key_and_no_other_endpoint_may_announce_it()
    {
        using var validator = Ed25519KeyPair.Generate();
        using var stranger = Ed25519KeyPair.Generate();
        using var self = Ed25519KeyPair.Generate();
        var dialing = new PeerDialing(new LocalPeer(self, "chain", new byte[32], "me", "http://127.0.0.1:7000"), null,
            new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase) { [ValidatorUrl] = validator.PublicKey });

        Assert.That(dialing.AnnouncedKeyProblem(ValidatorUrl, validator.PublicKey), Is.Null);
        Assert.That(dialing.AnnouncedKeyProblem(ValidatorUrl.ToUpperInvariant(), validator.PublicKey), Is.Null, "URLs compare as genesis lists them, case aside");
        Assert.That(dialing.AnnouncedKeyProblem(ValidatorUrl, stranger.PublicKey), Does.Contain("not the genesis validator's key"));
        Assert.That(dialing.AnnouncedKeyProblem(OtherUrl, stranger.PublicKey), Is.Null, "a peers entry may be any node that is not a validator");
        Assert.That(dialing.AnnouncedKeyProblem(OtherUrl, validator.PublicKey), Does.Contain("dialed at that endpoint only"));
    }
}
