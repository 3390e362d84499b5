using CsCheck;
using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.MerkleState;

/// <summary>Proofs verify for what the tree holds, and any change to the statement, the root or the proof is caught.</summary>
public sealed class StateProofTests
{
    private static readonly Lazy<(MemoryTreeNodeStore Store, byte[] Root)> Tree = new(() =>
    {
        var store = new MemoryTreeNodeStore();
        var records = Enumerable.Range(0, 2_000).Select(i => new TreeChange(StateColumn.Ballots, BitConverter.GetBytes(i), Value(i))).ToList();
        var update = StateTree.Apply(store, null, 1, records);
        store.Commit(update);
        return (store, update.NewRoot);
    });

    private static byte[] Value(int i) => [.. BitConverter.GetBytes(i * 7), 1, 2, 3];

    [Test]
    public void Flipping_any_byte_of_an_inclusion_proofs_value_key_root_or_proof_fails_it()
    {
        var (store, root) = Tree.Value;
        var key = BitConverter.GetBytes(1234);
        var value = Value(1234);
        var proof = StateTree.Prove(store, 1, StateColumn.Ballots, key);
        Assert.That(StateProofs.Verify(root, StateColumn.Ballots, key, value, proof), Is.Null);
        Assert.That(proof.Siblings, Has.Count.InRange(8, 40), "about log2(2,000) levels");

        foreach (var flipped in Flips(value))
        {
            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, key, flipped, proof), Is.Not.Null);
        }

        foreach (var flipped in Flips(key))
        {
            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, flipped, value, proof), Is.Not.Null);
        }

        foreach (var flipped in Flips(root))
        {
            Assert.That(StateProofs.Verify(flipped, StateColumn.Ballots, key, value, proof), Is.Not.Null);
        }

        Assert.That(StateProofs.Verify(root, StateColumn.Tallies, key, value, proof), Is.Not.Null, "another column");
        Assert.That(StateProofs.Verify(root, StateColumn.Ballots, key, null, proof), Is.EqualTo("The proof shows the key holds a record, not that it holds none."));
        AssertEveryProofByteMatters(root, key, value, proof);
    }

    [Test]
    public void Flipping_any_byte_of_an_exclusion_proofs_root_or_proof_fails_it()
    {
        // Flipping the key is left out: another absent key on the same path is proven absent by the same proof.
        var (store, root) = Tree.Value;
        var verified = 0;
        for (var i = 5_000; i < 5_012; i++)
        {
            var key = BitConverter.GetBytes(i);
            var proof = StateTree.Prove(store, 1, StateColumn.Ballots, key);
            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, key, null, proof), Is.Null);
            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, key, [], proof), Is.EqualTo("The proof shows the key holds no record."));
            foreach (var flipped in Flips(root))
            {
                Assert.That(StateProofs.Verify(flipped, StateColumn.Ballots, key, null, proof), Is.Not.Null);
            }

            AssertEveryProofByteMatters(root, key, null, proof);
            verified++;
        }

        Assert.That(verified, Is.EqualTo(12));
    }

    [Test]
    public void A_proof_for_one_key_does_not_prove_another()
    {
        var (store, root) = Tree.Value;
        var proof = StateTree.Prove(store, 1, StateColumn.Ballots, BitConverter.GetBytes(7));
        Assert.That(StateProofs.Verify(root, StateColumn.Ballots, BitConverter.GetBytes(8), Value(7), proof), Is.Not.Null);
        Assert.That(StateProofs.Verify(root, StateColumn.Ballots, BitConverter.GetBytes(8), Value(8), proof), Is.Not.Null);
    }

    [Test]
    public void Malformed_and_oversized_proofs_are_refused_with_a_sentence()
    {
        var (store, root) = Tree.Value;
        var key = BitConverter.GetBytes(3);
        var good = StateTree.Prove(store, 1, StateColumn.Ballots, key);
        var cases = new Dictionary<string, StateProof>
        {
            ["257 siblings"] = WithSiblings(good, 257),
            ["a 31-byte sibling"] = Edit(good, p => p.Siblings[0] = ByteString.CopyFrom(new byte[31])),
            ["a leaf path without a value hash"] = Edit(good, p => p.LeafValueHash = ByteString.Empty),
            ["a 33-byte leaf path"] = Edit(good, p => p.LeafPath = ByteString.CopyFrom(new byte[33])),
            ["an empty last sibling"] = Edit(good, p => p.Siblings.Add(ByteString.CopyFrom(new byte[32]))),
        };
        foreach (var (name, proof) in cases)
        {
            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, key, Value(3), proof), Does.EndWith("."), name);
            Assert.That(StateProofs.Parse(proof.ToByteArray(), out var problem), Is.Null, name);
            Assert.That(problem, Is.Not.Null, name);
        }

        Assert.That(StateProofs.Verify(root.AsSpan(1), StateColumn.Ballots, key, Value(3), good), Does.StartWith("A state root is 32 bytes"));
        Assert.That(StateProofs.Verify(root, StateColumn.Ballots, key, Value(3), null), Is.EqualTo("There is no proof."));
        Assert.That(StateProofs.Parse(new byte[StateProofs.MaxSize + 1], out var oversized), Is.Null);
        Assert.That(oversized, Does.StartWith("A state proof is at most"));
        Assert.That(StateProofs.Parse([.. good.ToByteArray(), 0x20, 0x01], out var unknown), Is.Null, "an unknown field rides along");
        Assert.That(unknown, Does.Contain("canonically"));
    }

    [Test]
    public void The_largest_proof_the_format_allows_fits_the_size_limit_exactly()
    {
        var largest = WithSiblings(new StateProof { LeafPath = ByteString.CopyFrom(new byte[32]), LeafValueHash = ByteString.CopyFrom(new byte[32]) }, 256);
        largest.Siblings[^1] = ByteString.CopyFrom(Enumerable.Repeat((byte)1, 32).ToArray());
        var bytes = largest.ToByteArray();
        Assert.That(bytes, Has.Length.EqualTo(StateProofs.MaxSize));
        Assert.That(StateProofs.Parse(bytes, out var problem), Is.Not.Null, problem);
    }

    [Test]
    public void Random_bytes_never_make_parsing_or_verifying_throw()
    {
        var root = Tree.Value.Root;
        var refused = 0;
        Gen.OneOf(Gen.Byte.Array[0, 600], Gen.Byte.Array[StateProofs.MaxSize - 40, StateProofs.MaxSize + 40], StructuredProofBytes()).Sample(bytes =>
        {
            var proof = StateProofs.Parse(bytes, out var problem);
            Assert.That(proof is null, Is.EqualTo(problem is not null));
            if (proof is null)
            {
                refused++;
                return;
            }

            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, [1], null, proof), Is.Not.Null);
            Assert.That(StateProofs.Verify(root, StateColumn.Ballots, [1], [1], proof), Is.Not.Null);
        }, iter: 3_000);

        Assert.That(refused, Is.GreaterThan(100));
    }

    /// <summary>Proofs in the right format but random content, and some with wrong sizes: they parse or not, and never verify.</summary>
    private static Gen<byte[]> StructuredProofBytes() =>
        Gen.Select(Gen.Byte.Array[30, 33].Array[0, 260], Gen.Byte.Array[0, 33], Gen.Byte.Array[0, 33]).Select((siblings, path, hash) =>
        {
            var proof = new StateProof { LeafPath = ByteString.CopyFrom(path), LeafValueHash = ByteString.CopyFrom(hash) };
            proof.Siblings.AddRange(siblings.Select(ByteString.CopyFrom));
            return proof.ToByteArray();
        });

    /// <summary>Every byte of the encoded proof, flipped: the proof is then refused by parsing or fails to verify.</summary>
    private static void AssertEveryProofByteMatters(byte[] root, byte[] key, byte[]? value, StateProof proof)
    {
        var bytes = proof.ToByteArray();
        Assert.That(StateProofs.Parse(bytes, out _), Is.Not.Null);
        foreach (var flipped in Flips(bytes))
        {
            var parsed = StateProofs.Parse(flipped, out var problem);
            Assert.That(parsed is null ? problem : StateProofs.Verify(root, StateColumn.Ballots, key, value, parsed), Is.Not.Null);
        }
    }

    private static IEnumerable<byte[]> Flips(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x01;
            yield return copy;
            copy = (byte[])bytes.Clone();
            copy[i] ^= 0x80;
            yield return copy;
        }
    }

    private static StateProof Edit(StateProof proof, Action<StateProof> edit)
    {
        var copy = proof.Clone();
        edit(copy);
        return copy;
    }

    private static StateProof WithSiblings(StateProof proof, int count)
    {
        var copy = proof.Clone();
        copy.Siblings.Clear();
        copy.Siblings.AddRange(Enumerable.Range(0, count).Select(_ => ByteString.CopyFrom(Enumerable.Repeat((byte)7, 32).ToArray())));
        return copy;
    }
}
