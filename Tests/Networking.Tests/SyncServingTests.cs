using VoteChain.Networking.Peers;

namespace VoteChain.Networking.Tests;

/// <summary>What block sync accepts from a peer for the head it claims, before any block reaches the engine.</summary>
public sealed class SyncServingTests
{
    private static List<byte[]> Blocks(int count, int size = 200) => Enumerable.Range(0, count).Select(_ => new byte[size]).ToList();

    [Test]
    public void A_full_batch_or_the_rest_of_a_near_head_is_what_an_honest_peer_serves()
    {
        Assert.That(PeerNetwork.ServingProblem(Blocks(64), from: 1, claimed: 1_000), Is.Null);
        Assert.That(PeerNetwork.ServingProblem(Blocks(8), from: 1, claimed: 8), Is.Null);
        Assert.That(PeerNetwork.ServingProblem(Blocks(8), from: 1, claimed: 9), Is.Null, "a head one ahead of the batch is plausible");
    }

    [Test]
    public void A_peer_claiming_a_far_head_that_serves_a_trickle_is_caught()
    {
        Assert.That(PeerNetwork.ServingProblem(Blocks(1), from: 1, claimed: 1_000_000),
            Is.EqualTo("it claims height 1000000 but served only 1 blocks (200 bytes) from height 1"));
        Assert.That(PeerNetwork.ServingProblem([], from: 5, claimed: 9), Is.EqualTo("it claims height 9 but served nothing from height 5"));
    }

    [Test]
    public void A_batch_larger_than_a_request_takes_is_refused_whatever_it_holds()
    {
        Assert.That(PeerNetwork.ServingProblem(Blocks(100_000, size: 1), from: 1, claimed: 1_000_000),
            Is.EqualTo($"it served 100000 blocks; a request takes at most {PeerServiceImpl.MaxBlocksPerRequest}"));
    }

    [Test]
    public void A_short_batch_that_used_the_byte_budget_is_not_a_lie()
    {
        Assert.That(PeerNetwork.ServingProblem(Blocks(3, size: PeerServiceImpl.MaxResponseBytes / 3), from: 1, claimed: 1_000), Is.Null);
    }
}
