using System.Buffers.Binary;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// Where a stored node lives: the version (block height) that wrote it, then its position as a nibble path from the root.
/// A node is never rewritten in place: a block that changes a subtree writes new nodes under its own version and lists
/// the ones it replaced as stale, so every kept version stays readable until it is pruned (docs/STATE-PROOFS.md).
/// Bytes: version (8, big-endian, so one version's nodes sort together), nibble count (1, 0..64), the nibbles packed
/// two to a byte with an odd count's last low nibble zero.
/// </summary>
public static class TreeNodeKey
{
    public const int MaxSize = 8 + 1 + (TreePath.Nibbles / 2);

    /// <summary>The root of <paramref name="version"/>: every version writes one, even when the tree did not change.</summary>
    public static byte[] Root(ulong version) => Encode(version, [], 0);

    /// <summary>The key of the node at the first <paramref name="nibbles"/> nibbles of <paramref name="path"/>.</summary>
    public static byte[] Encode(ulong version, ReadOnlySpan<byte> path, int nibbles)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nibbles);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nibbles, TreePath.Nibbles);
        var key = new byte[9 + ((nibbles + 1) / 2)];
        BinaryPrimitives.WriteUInt64BigEndian(key, version);
        key[8] = (byte)nibbles;
        path[..(nibbles / 2)].CopyTo(key.AsSpan(9));
        if ((nibbles & 1) == 1)
        {
            key[^1] = (byte)(path[nibbles / 2] & 0xF0);
        }

        return key;
    }

    /// <summary>The version that wrote the node; the key must be well formed (<see cref="Problem"/>).</summary>
    public static ulong Version(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt64BigEndian(key);

    /// <summary>Null when <paramref name="key"/> is a well-formed node key in its one canonical form; otherwise why not.</summary>
    public static string? Problem(ReadOnlySpan<byte> key)
    {
        if (key.Length < 9 || key.Length > MaxSize)
        {
            return $"A node key is 9 to {MaxSize} bytes, not {key.Length}.";
        }

        int nibbles = key[8];
        if (nibbles > TreePath.Nibbles)
        {
            return $"A node key's path is at most {TreePath.Nibbles} nibbles, not {nibbles}.";
        }

        if (key.Length != 9 + ((nibbles + 1) / 2))
        {
            return $"A node key with {nibbles} nibbles is {9 + ((nibbles + 1) / 2)} bytes, not {key.Length}.";
        }

        return (nibbles & 1) == 1 && (key[^1] & 0x0F) != 0 ? "A node key's unused last nibble is not zero." : null;
    }
}
