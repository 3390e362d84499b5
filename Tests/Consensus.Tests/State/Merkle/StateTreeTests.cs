using System.Security.Cryptography;
using System.Text;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Consensus.Tests.MerkleState;

public sealed class StateTreeTests
{
    [Test]
    public void The_hashes_are_the_documented_ones()
    {
        // Computed here from docs/STATE-PROOFS.md with nothing of the tree's own code.
        static byte[] Sha(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());
        var keyDomain = Encoding.ASCII.GetBytes("votechain/v1/state-key\0");
        var leafDomain = Encoding.ASCII.GetBytes("votechain/v1/state-leaf\0");
        var nodeDomain = Encoding.ASCII.GetBytes("votechain/v1/state-node\0");
        var (first, second) = TwoKeysOnEitherSide();
        var firstPath = Sha(keyDomain, [(byte)StateColumn.Tallies], first);
        var secondPath = Sha(keyDomain, [(byte)StateColumn.Tallies], second);
        var firstLeaf = Sha(leafDomain, firstPath, Sha("one"u8.ToArray()));
        var secondLeaf = Sha(leafDomain, secondPath, Sha("two"u8.ToArray()));

        var store = new MemoryTreeNodeStore();
        store.Commit(StateTree.Apply(store, null, 1, [new TreeChange(StateColumn.Tallies, first, "one"u8.ToArray())]));
        Assert.That(StateTree.RootHash(store, 1), Is.EqualTo(firstLeaf), "one record: the root is its leaf");

        var update = StateTree.Apply(store, 1, 2, [new TreeChange(StateColumn.Tallies, second, "two"u8.ToArray())]);
        Assert.That(update.NewRoot, Is.EqualTo(Sha(nodeDomain, firstLeaf, secondLeaf)), "two records on either side of the first bit");
    }

    [Test]
    public void The_empty_tree_has_the_zero_root_and_proves_any_key_absent()
    {
        var store = new MemoryTreeNodeStore();
        var update = StateTree.Apply(store, null, 1, Array.Empty<TreeChange>());
        store.Commit(update);

        Assert.That(update.NewRoot, Is.EqualTo(new byte[32]));
        Assert.That(StateTree.EmptyRoot.ToArray(), Is.EqualTo(new byte[32]));
        var proof = StateTree.Prove(store, 1, StateColumn.Ballots, [1, 2]);
        Assert.That(proof.Siblings, Is.Empty);
        Assert.That(StateProofs.Verify(update.NewRoot, StateColumn.Ballots, [1, 2], null, proof), Is.Null);
        Assert.That(StateProofs.Verify(update.NewRoot, StateColumn.Ballots, [1, 2], [], proof), Is.EqualTo("The proof shows the key holds no record."));
    }

    [Test]
    public void Removing_every_record_gives_the_empty_root_and_leaves_only_that_root_after_pruning()
    {
        var tree = new TreeHarness();
        var keys = Enumerable.Range(0, 300).Select(i => new TreeChange(StateColumn.Ballots, BitConverter.GetBytes(i), [(byte)i])).ToList();
        tree.Commit(keys);
        var removal = tree.Commit(keys.Select(k => k with { Value = null }).ToList());

        Assert.That(removal.NewRoot, Is.EqualTo(new byte[32]));
        tree.Store.Prune(2);
        Assert.That(tree.Store.Count, Is.EqualTo(1));
    }

    [Test]
    public void Keys_sharing_a_long_path_prefix_make_a_chain_that_collapses_when_they_go()
    {
        // Paths sharing their first 16 bits: the root and three more stored levels hold one internal child each.
        var anchor = TreeHashes.KeyPath(StateColumn.Credentials, [0]);
        var sharing = Enumerable.Range(1, 400_000).Select(i => BitConverter.GetBytes(i))
            .Where(k => TreePath.SharePrefix(TreeHashes.KeyPath(StateColumn.Credentials, k), anchor, 16))
            .Take(2).ToList();
        Assert.That(sharing, Has.Count.EqualTo(2));

        var tree = new TreeHarness();
        List<TreeChange> records = [new(StateColumn.Credentials, [0], [1]), .. sharing.Select(k => new TreeChange(StateColumn.Credentials, k, [2]))];
        tree.Commit(records);
        Assert.That(StateTree.RootHash(tree.Store, 1), Is.EqualTo(NaiveStateTree.Root(tree.Records)));
        var proof = StateTree.Prove(tree.Store, 1, StateColumn.Credentials, [0]);
        Assert.That(proof.Siblings, Has.Count.GreaterThan(16));
        Assert.That(StateProofs.Verify(StateTree.RootHash(tree.Store, 1), StateColumn.Credentials, [0], [1], proof), Is.Null);

        // Two go: the last one rises from below the chain to the root.
        var update = tree.Commit([records[1] with { Value = null }, records[2] with { Value = null }]);
        Assert.That(update.NewRoot, Is.EqualTo(TreeHashes.Leaf(anchor, TreeHashes.ValueHash([1]))));
        tree.Store.Prune(2);
        Assert.That(tree.Store.Count, Is.EqualTo(1), "only the root, which is the leaf");
        Assert.That(StateTree.Prove(tree.Store, 2, StateColumn.Credentials, [0]).Siblings, Is.Empty);
    }

    [Test]
    public void Writing_the_same_values_again_or_removing_absent_keys_rewrites_only_the_root()
    {
        var tree = new TreeHarness();
        var records = Enumerable.Range(0, 500).Select(i => new TreeChange(StateColumn.Tallies, BitConverter.GetBytes(i), [(byte)i])).ToList();
        var first = tree.Commit(records);
        List<TreeChange> again = [.. records.Take(50), new TreeChange(StateColumn.Tallies, [9, 9, 9], null)];
        var update = tree.Commit(again);

        Assert.That(update.NewRoot, Is.EqualTo(first.NewRoot));
        Assert.That(update.NewNodes.Select(n => n.Key), Is.EqualTo(new[] { TreeNodeKey.Root(2) }));
        Assert.That(update.StaleNodes, Is.EqualTo(new[] { TreeNodeKey.Root(1) }));
    }

    [Test]
    public void A_block_of_state_changes_enters_as_writes_and_an_empty_record_is_a_record()
    {
        var store = new MemoryTreeNodeStore();
        List<StateChange> changes = [new(StateColumn.Tallies, [1], []), new(StateColumn.Elections, [2], [5])];
        var fromState = StateTree.Apply(store, null, 1, changes);
        var fromTree = StateTree.Apply(store, null, 1, changes.Select(TreeChange.From).ToList());
        store.Commit(fromState);

        Assert.That(fromState.NewRoot, Is.EqualTo(fromTree.NewRoot));
        Assert.That(fromState.NewRoot, Is.Not.EqualTo(StateTree.Apply(store, null, 1, [changes[1]]).NewRoot));
        Assert.That(StateProofs.Verify(fromState.NewRoot, StateColumn.Tallies, [1], [], StateTree.Prove(store, 1, StateColumn.Tallies, [1])), Is.Null);
    }

    [Test]
    public void A_key_twice_in_a_batch_a_version_out_of_order_or_a_missing_base_is_refused()
    {
        var store = new MemoryTreeNodeStore();
        store.Commit(StateTree.Apply(store, null, 5, [new TreeChange(StateColumn.Ballots, [1], [1])]));

        Assert.That(() => StateTree.Apply(store, 5, 6, [new TreeChange(StateColumn.Ballots, [1], [1]), new TreeChange(StateColumn.Ballots, [1], null)]),
            Throws.ArgumentException.With.Message.Contains("twice"));
        Assert.That(() => StateTree.Apply(store, 5, 5, Array.Empty<TreeChange>()), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => StateTree.Apply(store, 4, 6, Array.Empty<TreeChange>()), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("version 4"));
        Assert.That(() => StateTree.Prove(store, 4, StateColumn.Ballots, [1]), Throws.InstanceOf<InvalidDataException>());
    }

    private static (byte[] First, byte[] Second) TwoKeysOnEitherSide()
    {
        byte[] first = [0];
        var firstBit = TreePath.Bit(TreeHashes.KeyPath(StateColumn.Tallies, first), 0);
        for (byte b = 1; ; b++)
        {
            if (TreePath.Bit(TreeHashes.KeyPath(StateColumn.Tallies, [b]), 0) != firstBit)
            {
                return firstBit == 0 ? (first, [b]) : ([b], first);
            }
        }
    }
}
