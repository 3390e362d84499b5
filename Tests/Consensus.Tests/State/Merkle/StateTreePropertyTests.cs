using CsCheck;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Consensus.Tests.MerkleState;

/// <summary>
/// The stored, versioned, 16-way tree against <see cref="NaiveStateTree"/> over random histories of writes and removals
/// on a small key space (so keys are rewritten, removed and written again, and subtrees grow and collapse).
/// </summary>
public sealed class StateTreePropertyTests
{
    private static readonly StateColumn[] Columns = [StateColumn.Ballots, StateColumn.Tallies, StateColumn.Governance];

    /// <summary>One step: a key (column and one byte), and a value of 0 to 5 bytes, or a removal (about one in four).</summary>
    private static readonly Gen<TreeChange> ChangeGen = Gen.Select(Gen.Int[0, Columns.Length - 1], Gen.Int[0, 47], Gen.Int[0, 3], Gen.Byte.Array[0, 5])
        .Select((c, k, kind, value) => new TreeChange(Columns[c], [(byte)k], kind == 0 ? null : value));

    private static readonly Gen<TreeChange[][]> HistoryGen = ChangeGen.Array[0, 40].Array[1, 8];

    [Test]
    public void Every_version_has_the_root_of_a_full_recomputation_and_proves_every_key()
    {
        var proofs = 0;
        HistoryGen.Sample(history =>
        {
            var tree = new TreeHarness();
            foreach (var batch in history)
            {
                var update = tree.Commit(LastWins(batch));
                Assert.That(update.NewRoot, Is.EqualTo(NaiveStateTree.Root(tree.Records)));
            }

            // Older versions stay readable and keep their own roots and proofs.
            foreach (var (version, records) in tree.History)
            {
                var root = StateTree.RootHash(tree.Store, version);
                Assert.That(root, Is.EqualTo(NaiveStateTree.Root(records)), $"version {version}");
                foreach (var column in Columns)
                {
                    for (var k = 0; k < 48; k += 5)
                    {
                        var value = records.GetValueOrDefault((column, Convert.ToHexString([(byte)k])));
                        var proof = StateTree.Prove(tree.Store, version, column, [(byte)k]);
                        Assert.That(StateProofs.Verify(root, column, [(byte)k], value, proof), Is.Null);
                        proofs++;
                    }
                }
            }
        }, iter: 150);

        Assert.That(proofs, Is.GreaterThan(10_000));
    }

    [Test]
    public void A_batch_gives_the_same_root_and_the_same_update_in_any_order()
    {
        Gen.Select(ChangeGen.Array[0, 30], ChangeGen.Array[1, 60], Gen.Int.Array[60]).Sample((before, batch, order) =>
        {
            var tree = new TreeHarness();
            tree.Commit(LastWins(before));
            var changes = LastWins(batch);
            var shuffled = changes.Select((c, i) => (c, order[i])).OrderBy(p => p.Item2).Select(p => p.c).ToList();

            var one = StateTree.Apply(tree.Store, tree.Version, 2, changes);
            var two = StateTree.Apply(tree.Store, tree.Version, 2, shuffled);
            Assert.That(two.NewRoot, Is.EqualTo(one.NewRoot));
            Assert.That(two.NewNodes, Is.EqualTo(one.NewNodes));
            Assert.That(two.StaleNodes, Is.EqualTo(one.StaleNodes));
        }, iter: 100);
    }

    /// <summary>Keys of two bytes (up to 4,096 a column), so batches are large enough to be walked on several threads.</summary>
    private static readonly Gen<TreeChange> WideChangeGen = Gen.Select(Gen.Int[0, Columns.Length - 1], Gen.Int[0, 4_095], Gen.Int[0, 3], Gen.Byte.Array[0, 5])
        .Select((c, k, kind, value) => new TreeChange(Columns[c], [(byte)(k >> 8), (byte)k], kind == 0 ? null : value));

    [Test]
    public void Batches_large_enough_to_be_walked_in_parallel_give_a_full_recomputations_root_and_one_update()
    {
        WideChangeGen.Array[600, 2_500].Array[1, 3].Sample(history =>
        {
            var tree = new TreeHarness();
            foreach (var batch in history)
            {
                var changes = LastWins(batch);
                var again = StateTree.Apply(tree.Store, tree.Version, (tree.Version ?? 0) + 1, changes);
                var update = tree.Commit(changes);
                Assert.That(update.NewRoot, Is.EqualTo(NaiveStateTree.Root(tree.Records)));
                Assert.That(again.NewNodes, Is.EqualTo(update.NewNodes), "the threads' interleaving changes nothing in the update");
                Assert.That(again.StaleNodes, Is.EqualTo(update.StaleNodes));
            }
        }, iter: 12);
    }

    [Test]
    public void Splitting_a_batch_over_several_versions_gives_the_same_root()
    {
        Gen.Select(ChangeGen.Array[0, 80], Gen.Int[1, 6]).Sample((changes, parts) =>
        {
            var whole = new TreeHarness();
            var once = whole.Commit(LastWins(changes));

            var split = new TreeHarness();
            TreeUpdate? last = null;
            var size = (changes.Length / parts) + 1;
            foreach (var part in changes.Chunk(size).DefaultIfEmpty([]))
            {
                last = split.Commit(LastWins(part));
            }

            Assert.That(last!.NewRoot, Is.EqualTo(once.NewRoot));
        }, iter: 200);
    }

    [Test]
    public void Pruning_keeps_exactly_the_nodes_the_kept_versions_reach()
    {
        const int Kept = 3;
        var pruned = 0;
        HistoryGen.Sample(history =>
        {
            var tree = new TreeHarness();
            foreach (var batch in history)
            {
                tree.Commit(LastWins(batch));
                var newest = tree.Version!.Value;
                var oldestKept = newest > Kept ? newest - Kept + 1 : 1;
                pruned += tree.Store.Prune(oldestKept);

                var reachable = new HashSet<string>();
                for (var version = oldestKept; version <= newest; version++)
                {
                    reachable.UnionWith(tree.Reachable(version));
                }

                Assert.That(tree.Store.Count, Is.EqualTo(reachable.Count), "every stored node is reached by a kept version");
                if (oldestKept > 1)
                {
                    Assert.That(tree.Store.Get(TreeNodeKey.Root(oldestKept - 1)), Is.Null, "a version before the kept ones is gone");
                }
            }
        }, iter: 150);

        Assert.That(pruned, Is.GreaterThan(1_000));
    }

    /// <summary>A batch with each key once, the last change of a key winning, as a block's overlay gives them.</summary>
    internal static List<TreeChange> LastWins(IEnumerable<TreeChange> changes)
    {
        var byKey = new Dictionary<(StateColumn, string), TreeChange>();
        foreach (var change in changes)
        {
            byKey[(change.Column, Convert.ToHexString(change.Key))] = change;
        }

        return [.. byKey.Values];
    }
}
