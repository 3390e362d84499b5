using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Storage.Tests;

/// <summary>
/// The tree's top levels served from memory (<see cref="TreeNodeCache"/>): a read gets exactly what RocksDB holds under
/// that key, or nothing once it is pruned, with the cache warm from writes and from reads at older versions, and cold
/// after a reopen.
/// </summary>
public sealed class TreeNodeCacheTests : StoreFixture
{
    private static readonly byte[] BallotKey = StateKeys.Credential(TestChain.ElectionId, TestChain.Credential(1));

    [Test]
    public void Every_node_ever_written_reads_as_stored_until_pruned_and_then_as_nothing_also_after_a_reopen()
    {
        var store = Open();
        var written = new Dictionary<byte[], byte[]>(ByteKeyComparer.Instance);
        var staleSince = new Dictionary<byte[], ulong>(ByteKeyComparer.Instance);
        var roots = new Dictionary<ulong, byte[]>();
        for (var block = 0; block < 70; block++)
        {
            // Three new records a block (a credential, two transactions) and a rewritten ballot: the top levels are
            // rewritten by every block, and older versions' nodes at the same positions stay on disk while kept.
            var height = Chain.Height + 1;
            var commit = Chain.Next(2, TestChain.Ballot(1, (uint)height, height), TestChain.Registered((byte)(height % 250 + 2), height));
            store.Write(commit);
            roots[height] = commit.StateRoot;
            foreach (var (key, node) in commit.Tree!.NewNodes)
            {
                written[key] = node;
            }

            foreach (var key in commit.Tree.StaleNodes)
            {
                staleSince[key] = height;
            }

            // Reads at every kept version fill the cache's empty slots with older nodes; a newer one must not be replaced.
            for (var kept = store.Height - Math.Min(store.Height - 1, ChainStore.KeptTreeVersions); kept <= store.Height; kept++)
            {
                Assert.That(store.Prove(kept, StateColumn.Ballots, BallotKey), Is.Not.Null, $"height {kept} at head {store.Height}");
            }
        }

        AssertReadsAsStored(store, written, staleSince, roots, "warm");
        store.Dispose();
        AssertReadsAsStored(Open(), written, staleSince, roots, "after a reopen");
    }

    [Test]
    public void A_slot_answers_only_its_own_version_and_keeps_the_newest_node_offered()
    {
        var cache = new TreeNodeCache();
        var path = new byte[32];
        path[0] = 0xAB;
        path[1] = 0xC0;
        byte[] older = [1], newer = [2];

        cache.Offer(TreeNodeKey.Encode(7, path, 3), newer);
        cache.Offer(TreeNodeKey.Encode(5, path, 3), older);

        Assert.That(cache.Get(TreeNodeKey.Encode(7, path, 3)), Is.SameAs(newer));
        Assert.That(cache.Get(TreeNodeKey.Encode(5, path, 3)), Is.Null, "an older version never replaces a newer one");
        Assert.That(cache.Get(TreeNodeKey.Encode(7, path, 2)), Is.Null, "the parent's position is another slot");
        Assert.That(cache.Get(TreeNodeKey.Encode(7, TreePath.WithNibble(path, 2, 0xD), 3)), Is.Null, "a sibling's position is another slot");

        cache.Forget(TreeNodeKey.Encode(6, path, 3));
        Assert.That(cache.Get(TreeNodeKey.Encode(7, path, 3)), Is.SameAs(newer), "forgetting another version leaves the slot");
        cache.Forget(TreeNodeKey.Encode(7, path, 3));
        Assert.That(cache.Get(TreeNodeKey.Encode(7, path, 3)), Is.Null);

        var deep = TreeNodeKey.Encode(7, path, TreeNodeCache.Depth + 1);
        cache.Offer(deep, newer);
        Assert.That(cache.Get(deep), Is.Null, "below the cached levels nothing is kept");
    }

    private static void AssertReadsAsStored(ChainStore store, Dictionary<byte[], byte[]> written, Dictionary<byte[], ulong> staleSince,
        Dictionary<ulong, byte[]> roots, string when)
    {
        var oldestKept = store.Height - ChainStore.KeptTreeVersions;
        var pruned = 0;
        foreach (var (key, node) in written)
        {
            // Twice: the first read may fill the cache from disk, the second is served from it.
            for (var read = 0; read < 2; read++)
            {
                if (staleSince.TryGetValue(key, out var since) && since <= oldestKept)
                {
                    Assert.That(store.Get(key), Is.Null, $"{when}: node {Convert.ToHexString(key)} was pruned");
                    pruned += read == 0 ? 1 : 0;
                }
                else
                {
                    Assert.That(store.Get(key), Is.EqualTo(node), $"{when}: node {Convert.ToHexString(key)}");
                }
            }
        }

        Assert.That(pruned, Is.GreaterThan(0), "some of the nodes read were pruned");
        for (var height = oldestKept - 3; height <= store.Height; height++)
        {
            var proof = store.Prove(height, StateColumn.Ballots, BallotKey);
            if (height < oldestKept)
            {
                Assert.That(proof, Is.Null, $"{when}: height {height} is pruned");
                continue;
            }

            var ballot = TestChain.Ballot(1, (uint)height, height).Value;
            Assert.That(StateProofs.Verify(roots[height], StateColumn.Ballots, BallotKey, ballot, proof), Is.Null, $"{when}: height {height}");
        }
    }
}
