namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// Reading a 256-bit key path: most significant bit of the first byte first, so a path's bits and its nibbles
/// (a stored node covers four bit levels, one nibble) go down the tree in the same order.
/// </summary>
public static class TreePath
{
    public const int Bits = 256;

    /// <summary>Stored nodes are 16-way: a path is 64 nibbles deep at most.</summary>
    public const int Nibbles = 64;

    public static int Nibble(ReadOnlySpan<byte> path, int index) =>
        (index & 1) == 0 ? path[index >> 1] >> 4 : path[index >> 1] & 0x0F;

    public static int Bit(ReadOnlySpan<byte> path, int index) => (path[index >> 3] >> (7 - (index & 7))) & 1;

    /// <summary>A copy of <paramref name="path"/> with nibble <paramref name="index"/> set, to name a sibling slot's node.</summary>
    public static byte[] WithNibble(ReadOnlySpan<byte> path, int index, int nibble)
    {
        var copy = path.ToArray();
        var at = index >> 1;
        copy[at] = (index & 1) == 0 ? (byte)((copy[at] & 0x0F) | (nibble << 4)) : (byte)((copy[at] & 0xF0) | nibble);
        return copy;
    }

    /// <summary>True when the first <paramref name="bits"/> bits of both paths are equal.</summary>
    public static bool SharePrefix(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int bits)
    {
        var whole = bits >> 3;
        if (!a[..whole].SequenceEqual(b[..whole]))
        {
            return false;
        }

        var rest = bits & 7;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (b[whole] & mask);
    }
}
