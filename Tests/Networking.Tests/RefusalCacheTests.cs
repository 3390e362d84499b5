using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class RefusalCacheTests
{
    [Test]
    public void Past_its_capacity_the_cache_forgets_the_oldest_refusal_first()
    {
        var cache = new RefusalCache(capacity: 2);
        var refused = new Rejection(RejectCode.BadSignature, "bad");
        byte[][] hashes = [[1], [2], [3]];

        foreach (var hash in hashes)
        {
            cache.Remember(hash, refused);
        }

        cache.Remember([3], refused);
        Assert.That(cache.Count, Is.EqualTo(2));
        Assert.That(cache.Find([1]), Is.Null);
        Assert.That(cache.Find([2]), Is.SameAs(refused));
        Assert.That(cache.Find([3]), Is.SameAs(refused));
    }
}
