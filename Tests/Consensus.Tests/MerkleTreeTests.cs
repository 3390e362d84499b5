using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;

namespace VoteChain.Consensus.Tests;

public sealed class MerkleTreeTests
{
    private static List<byte[]> Leaves(int count) =>
        Enumerable.Range(0, count).Select(i => Hashing.Sha256(BitConverter.GetBytes(i))).ToList();

    private static byte[] Leaf(byte[] data) => Hashing.Sha256([0x00, .. data]);

    private static byte[] Node(byte[] left, byte[] right) => Hashing.Sha256([0x01, .. left, .. right]);

    [Test]
    public void Roots_follow_rfc6962_for_small_trees()
    {
        var l = Leaves(3);
        Assert.That(MerkleTree.Root([]), Is.EqualTo(Hashing.Sha256([])));
        Assert.That(MerkleTree.Root([l[0]]), Is.EqualTo(Leaf(l[0])));
        Assert.That(MerkleTree.Root(l.Take(2).ToList()), Is.EqualTo(Node(Leaf(l[0]), Leaf(l[1]))));
        // Three leaves split at two: the left subtree is full, the third leaf is promoted.
        Assert.That(MerkleTree.Root(l), Is.EqualTo(Node(Node(Leaf(l[0]), Leaf(l[1])), Leaf(l[2]))));
    }

    [Test]
    public void Every_leaf_of_every_tree_up_to_40_leaves_has_a_proof_that_verifies()
    {
        for (var size = 1; size <= 40; size++)
        {
            var leaves = Leaves(size);
            var root = MerkleTree.Root(leaves);
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.Prove(leaves, index);
                Assert.That(MerkleTree.Verify(root, leaves[index], proof), Is.True, $"size {size} index {index}");
            }
        }
    }

    [Test]
    public void A_proof_fails_for_another_leaf_index_root_or_tampered_path()
    {
        var leaves = Leaves(13);
        var root = MerkleTree.Root(leaves);
        var proof = MerkleTree.Prove(leaves, 5);

        Assert.That(MerkleTree.Verify(root, leaves[6], proof), Is.False, "other leaf");
        Assert.That(MerkleTree.Verify(root, leaves[5], proof with { Index = 4 }), Is.False, "other index");
        Assert.That(MerkleTree.Verify(root, leaves[5], proof with { TreeSize = 6 }), Is.False, "other tree shape");
        Assert.That(MerkleTree.Verify(MerkleTree.Root(Leaves(12)), leaves[5], proof), Is.False, "other root");
        var tampered = proof.Path.Select(p => (byte[])p.Clone()).ToList();
        tampered[1][0] ^= 1;
        Assert.That(MerkleTree.Verify(root, leaves[5], proof with { Path = tampered }), Is.False, "tampered path");
        Assert.That(MerkleTree.Verify(root, leaves[5], proof with { Path = proof.Path.Take(2).ToList() }), Is.False, "short path");
        Assert.That(MerkleTree.Verify(root, leaves[5], proof with { Index = 13 }), Is.False, "index past the end");
    }

    [Test]
    public void A_leaf_hash_cannot_pass_for_an_inner_node()
    {
        var leaves = Leaves(2);
        var root = MerkleTree.Root(leaves);
        // The concatenation of the two leaf hashes is what an attacker would present as a one-leaf tree.
        var forged = MerkleTree.LeafHash(leaves[0]).Concat(MerkleTree.LeafHash(leaves[1])).ToArray();
        Assert.That(MerkleTree.Verify(root, forged, new MerkleProof(0, 1, [])), Is.False);
    }
}
