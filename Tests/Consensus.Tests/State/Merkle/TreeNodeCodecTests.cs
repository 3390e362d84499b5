using System.Buffers.Binary;
using CsCheck;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Consensus.Tests.MerkleState;

/// <summary>Nodes and node keys have one encoding each; anything else is refused with a sentence and never throws.</summary>
public sealed class TreeNodeCodecTests
{
    [Test]
    public void Every_node_a_tree_stores_reads_back_to_the_same_bytes()
    {
        var tree = new TreeHarness();
        tree.Commit(Enumerable.Range(0, 1_000).Select(i => new TreeChange(VoteChain.Consensus.State.StateColumn.Issuance, BitConverter.GetBytes(i), [1])).ToList());
        var update = StateTree.Apply(tree.Store, 1, 2, [new TreeChange(VoteChain.Consensus.State.StateColumn.Issuance, [1], [2])]);
        foreach (var (key, bytes) in update.NewNodes)
        {
            Assert.That(TreeNodeKey.Problem(key), Is.Null);
            Assert.That(TreeNodeCodec.Encode(TreeNodeCodec.Parse(bytes, out var problem)!), Is.EqualTo(bytes), problem);
        }

        Assert.That(update.NewNodes, Has.Count.GreaterThan(2));
    }

    [Test]
    public void Random_and_near_valid_node_bytes_are_refused_or_read_back_exactly()
    {
        var parsed = 0;
        Gen.OneOf(Gen.Byte.Array[0, 700], NearInternal()).Sample(bytes =>
        {
            var node = TreeNodeCodec.Parse(bytes, out var problem);
            Assert.That(node is null, Is.EqualTo(problem is not null));
            if (node is not null)
            {
                Assert.That(TreeNodeCodec.Encode(node), Is.EqualTo(bytes), "a node has one encoding");
                parsed++;
            }
        }, iter: 5_000);

        Assert.That(parsed, Is.GreaterThan(100));
    }

    [Test]
    public void Nodes_that_break_the_tree_invariants_are_refused()
    {
        var lone = Internal(1 << 3, 1 << 3, [Child(1)]);
        Assert.That(TreeNodeCodec.Parse(lone, out var problem), Is.Null);
        Assert.That(problem, Does.Contain("lone leaf"));

        Assert.That(TreeNodeCodec.Parse(Internal(0, 0, []), out problem), Is.Null);
        Assert.That(problem, Does.Contain("no children"));

        Assert.That(TreeNodeCodec.Parse(Internal(0b11, 0b100, [Child(1), Child(2)]), out problem), Is.Null);
        Assert.That(problem, Does.Contain("empty slot as a leaf"));

        Assert.That(TreeNodeCodec.Parse(Internal(0b11, 0, [Child(1), new byte[40]]), out problem), Is.Null);
        Assert.That(problem, Does.Contain("empty hash"));

        Assert.That(TreeNodeCodec.Parse(new byte[TreeNodeCodec.MaxSize + 1], out problem), Is.Null);
        Assert.That(problem, Does.Contain("not " + (TreeNodeCodec.MaxSize + 1)));

        Assert.That(TreeNodeCodec.Parse([0, 0], out problem), Is.Null);
        Assert.That(TreeNodeCodec.Parse([9], out problem), Is.Null);
        Assert.That(problem, Is.EqualTo("Unknown tree node kind 9."));
        Assert.That(TreeNodeCodec.Parse(Internal(0xFFFF, 0, [.. Enumerable.Range(1, 16).Select(i => Child((byte)i))]), out problem), Is.Not.Null, problem);
    }

    [Test]
    public void Node_keys_are_refused_unless_canonical()
    {
        var path = Enumerable.Range(0, 32).Select(i => (byte)(i * 17)).ToArray();
        var key = TreeNodeKey.Encode(7, path, 3);
        Assert.That(key, Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 0, 0, 7, 3, 0x00, 0x10 }));
        Assert.That(TreeNodeKey.Problem(key), Is.Null);
        Assert.That(TreeNodeKey.Version(key), Is.EqualTo(7UL));
        Assert.That(TreeNodeKey.Problem(TreeNodeKey.Encode(1, path, 64)), Is.Null);

        Assert.That(TreeNodeKey.Problem([.. key[..^1], 0x11]), Does.Contain("unused last nibble"));
        Assert.That(TreeNodeKey.Problem([.. key, 0]), Does.Contain("3 nibbles is 11 bytes"));
        Assert.That(TreeNodeKey.Problem([0, 0, 0, 0, 0, 0, 0, 1, 65, .. new byte[32]]), Does.Contain("at most 64"));
        Assert.That(TreeNodeKey.Problem(new byte[8]), Does.Contain("not 8"));
    }

    /// <summary>Internal nodes with random masks and random children, their length right or one child's worth off.</summary>
    private static Gen<byte[]> NearInternal() =>
        Gen.Select(Gen.UShort, Gen.UShort, Gen.Int[-1, 1], Gen.Byte.Array[40]).Select((exist, leaves, off, child) =>
        {
            var count = Math.Max(0, System.Numerics.BitOperations.PopCount(exist) + off);
            return Internal(exist, leaves & (off == 0 ? exist : 0xFFFF), [.. Enumerable.Repeat(child, count)]);
        });

    private static byte[] Child(byte fill) => [0, 0, 0, 0, 0, 0, 0, 1, .. Enumerable.Repeat(fill, 32)];

    private static byte[] Internal(int exist, int leaves, byte[][] children)
    {
        var bytes = new byte[5];
        bytes[0] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), (ushort)exist);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(3), (ushort)leaves);
        return [.. bytes, .. children.SelectMany(c => c)];
    }
}
