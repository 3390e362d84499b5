using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Mempool;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class VerifiedCacheTests
{
    [Test]
    public void Past_its_count_the_cache_forgets_the_oldest_first()
    {
        var cache = new VerifiedCache(capacity: 2, maxBytes: 1_000);
        var txs = Enumerable.Range(1, 3).Select(i => Tx(i, size: 10)).ToList();

        txs.ForEach(cache.Remember);
        cache.Remember(txs[2]);

        Assert.That(cache.Count, Is.EqualTo(2));
        Assert.That(cache.Find(txs[0].Id), Is.Null);
        Assert.That(cache.Find(txs[1].Id), Is.SameAs(txs[1]));
        Assert.That(cache.Find(txs[2].Id), Is.SameAs(txs[2]));
    }

    [Test]
    public void Past_its_bytes_the_cache_forgets_the_oldest_first_and_never_holds_one_larger_than_the_bound()
    {
        var cache = new VerifiedCache(capacity: 100, maxBytes: 100);
        var small = Tx(1, size: 40);
        var medium = Tx(2, size: 40);
        var third = Tx(3, size: 40);

        cache.Remember(small);
        cache.Remember(medium);
        cache.Remember(third);
        cache.Remember(Tx(4, size: 101));

        Assert.That(cache.Count, Is.EqualTo(2));
        Assert.That(cache.Find(small.Id), Is.Null);
        Assert.That(cache.Find(third.Id), Is.SameAs(third));
        Assert.That(cache.Find(Tx(4, size: 101).Id), Is.Null);
    }

    private static VerifiedTx Tx(int number, int size) =>
        new([(byte)number], new byte[size], new byte[32], new TxPayload());
}
