using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// Checks a <see cref="StateProof"/> against a state root, trusting nothing else: pure and static, no store. The proof
/// ends at a leaf or at an empty subtree on the key's path; hashing up through the siblings must give the root. A leaf
/// hash and an internal hash have different domains, so a position whose hash is a leaf's holds that one record and
/// nothing else: another key's leaf there, or an empty subtree, proves the key absent.
/// </summary>
public static class StateProofs
{
    public const int MaxSiblings = TreePath.Bits;

    /// <summary>The largest canonical encoding: every sibling and both leaf fields, each with a one-byte tag and length.</summary>
    public const int MaxSize = (MaxSiblings + 2) * (2 + TreeHashes.Size);

    private static readonly MessageParser<StateProof> CanonicalProofs = StateProof.Parser.WithDiscardUnknownFields(true);

    /// <summary>
    /// Null when <paramref name="proof"/> shows that, under <paramref name="root"/>, <paramref name="key"/> of
    /// <paramref name="column"/> holds exactly <paramref name="value"/> (null: holds nothing); otherwise the problem.
    /// </summary>
    public static string? Verify(ReadOnlySpan<byte> root, StateColumn column, ReadOnlySpan<byte> key, byte[]? value, StateProof? proof)
    {
        if (proof is null)
        {
            return "There is no proof.";
        }

        if (root.Length != TreeHashes.Size)
        {
            return $"A state root is {TreeHashes.Size} bytes, not {root.Length}.";
        }

        var shape = ShapeProblem(proof);
        if (shape is not null)
        {
            return shape;
        }

        var path = TreeHashes.KeyPath(column, key);
        var depth = proof.Siblings.Count;
        var hasLeaf = !proof.LeafPath.IsEmpty;
        if (hasLeaf && !TreePath.SharePrefix(proof.LeafPath.Span, path, depth))
        {
            return "The proof's leaf is not on the key's path.";
        }

        var present = hasLeaf && proof.LeafPath.Span.SequenceEqual(path);
        if (present && value is null)
        {
            return "The proof shows the key holds a record, not that it holds none.";
        }

        if (!present && value is not null)
        {
            return "The proof shows the key holds no record.";
        }

        if (present && !CryptographicOperations.FixedTimeEquals(TreeHashes.ValueHash(value), proof.LeafValueHash.Span))
        {
            return "The record is not the one the proof holds: its hash differs.";
        }

        var hash = hasLeaf ? TreeHashes.Leaf(proof.LeafPath.Span, proof.LeafValueHash.Span) : TreeHashes.EmptyHash;
        for (var level = depth - 1; level >= 0; level--)
        {
            var sibling = proof.Siblings[level].Span;
            hash = TreePath.Bit(path, level) == 0 ? TreeHashes.Internal(hash, sibling) : TreeHashes.Internal(sibling, hash);
        }

        return CryptographicOperations.FixedTimeEquals(hash, root) ? null : "The proof does not lead to the state root.";
    }

    /// <summary>
    /// Parses a proof from untrusted bytes: at most <see cref="MaxSize"/> bytes, canonical protobuf (no unknown fields,
    /// nothing encoded two ways), and the shape <see cref="Verify"/> needs. Null with the problem otherwise; never throws.
    /// </summary>
    public static StateProof? Parse(ReadOnlySpan<byte> bytes, out string? problem)
    {
        if (bytes.Length > MaxSize)
        {
            problem = $"A state proof is at most {MaxSize} bytes, not {bytes.Length}.";
            return null;
        }

        StateProof proof;
        try
        {
            proof = CanonicalProofs.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            problem = "The state proof is not valid protobuf.";
            return null;
        }

        problem = proof.CalculateSize() != bytes.Length
            ? "The state proof is not canonically encoded (unknown fields or a non-minimal encoding)."
            : ShapeProblem(proof);
        return problem is null ? proof : null;
    }

    /// <summary>
    /// Sizes and minimality. A canonical tree's proof never ends beside an empty sibling (the leaf or the emptiness
    /// would have been one level up), so such a proof is refused: each statement has one proof.
    /// </summary>
    private static string? ShapeProblem(StateProof proof)
    {
        if (proof.Siblings.Count > MaxSiblings)
        {
            return $"A state proof has at most {MaxSiblings} siblings, not {proof.Siblings.Count}.";
        }

        for (var i = 0; i < proof.Siblings.Count; i++)
        {
            if (proof.Siblings[i].Length != TreeHashes.Size)
            {
                return $"Sibling {i} of the state proof is {proof.Siblings[i].Length} bytes, not {TreeHashes.Size}.";
            }
        }

        var leafPath = proof.LeafPath.Length;
        var valueHash = proof.LeafValueHash.Length;
        if ((leafPath != 0 && leafPath != TreeHashes.Size) || valueHash != leafPath)
        {
            return "A state proof's leaf has a 32-byte path and a 32-byte value hash, or neither.";
        }

        return proof.Siblings.Count > 0 && proof.Siblings[^1].Span.SequenceEqual(TreeHashes.Empty)
            ? "The state proof is not the shortest: its last sibling is empty."
            : null;
    }
}
