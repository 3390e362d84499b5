using Google.Protobuf;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// The threshold floor of <see cref="SecretSettings.TryResolve"/>: an authority cannot call an election secret while
/// one trustee (say, a key it holds) or f of them could decrypt every ballot alone.
/// </summary>
public sealed class SecretSettingsTests
{
    private static SecretBallotSettings Named(int trustees, uint threshold)
    {
        var settings = new SecretBallotSettings { Threshold = threshold };
        settings.Trustees.AddRange(Enumerable.Range(0, trustees).Select(i =>
        {
            using var key = Crypto.Ed25519KeyPair.FromSeed(Enumerable.Repeat((byte)(i + 1), 32).ToArray());
            return ByteString.CopyFrom(key.PublicKey);
        }));
        return settings;
    }

    [TestCase(2, 1u)]
    [TestCase(3, 1u)]
    [TestCase(4, 1u)]
    [TestCase(7, 2u)]
    [TestCase(10, 3u)]
    public void A_threshold_below_f_plus_1_or_of_one_among_several_is_refused(int trustees, uint threshold)
    {
        var problem = SecretSettings.TryResolve(Named(trustees, threshold), 2, [], out _);

        Assert.That(problem, Does.Contain($"threshold {threshold} is too low for {trustees} trustees"));
    }

    [TestCase(1, 1u)]
    [TestCase(2, 2u)]
    [TestCase(3, 2u)]
    [TestCase(4, 2u)]
    [TestCase(7, 3u)]
    [TestCase(10, 4u)]
    public void The_lowest_allowed_threshold_is_accepted(int trustees, uint threshold)
    {
        Assert.That(SecretSettings.MinThreshold(trustees), Is.EqualTo(threshold));
        Assert.That(SecretSettings.TryResolve(Named(trustees, threshold), 2, [], out var resolved), Is.Null);
        Assert.That(resolved.Threshold, Is.EqualTo(threshold));
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(32)]
    public void The_default_threshold_is_never_below_the_floor(int trustees)
    {
        Assert.That(SecretSettings.TryResolve(Named(trustees, 0), 2, [], out var resolved), Is.Null);
        Assert.That(resolved.Threshold, Is.GreaterThanOrEqualTo(SecretSettings.MinThreshold(trustees)));
    }

    [Test]
    public void The_create_election_rule_refuses_a_one_of_four_secret_election_as_invalid()
    {
        using var chain = new TestChain();
        var create = new CreateElection
        {
            ElectionId = "not-secret",
            Title = "One trustee key decrypts everything",
            OpensAtUnixMs = TestChain.Start,
            ClosesAtUnixMs = TestChain.Start + 3_600_000,
            Secret = Named(4, 1),
            Options = { "yes", "no" },
        };

        var rejection = chain.Commit(chain.Signed(chain.Authority, new TxPayload { CreateElection = create }));

        Assert.That(rejection?.Code, Is.EqualTo(RejectCode.InvalidElection));
        Assert.That(rejection?.Message, Does.Contain("too low for 4 trustees: at least 2"));
        Assert.That(chain.State.GetElection("not-secret"), Is.Null);
    }
}
