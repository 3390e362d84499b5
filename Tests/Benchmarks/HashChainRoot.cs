using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using VoteChain.Consensus.State;

namespace VoteChain.Benchmarks;

/// <summary>
/// The state root of data format version 1, before the state tree: a digest chaining every block's changes onto the
/// previous root. Kept here only as the baseline the tree's cost per block is measured against (StateTreeBenchmarks).
/// </summary>
internal static class HashChainRoot
{
    private static readonly byte[] BlockDomain = Encoding.ASCII.GetBytes("votechain/v1/state");

    /// <summary>
    /// Root after a block. <paramref name="sortedChanges"/> must be in <see cref="StateChangeOrder"/> so that the
    /// digest does not depend on the order transactions touched keys.
    /// </summary>
    public static byte[] Next(ReadOnlySpan<byte> previousRoot, ulong height, IReadOnlyList<StateChange> sortedChanges)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData(BlockDomain);
        hash.AppendData(previousRoot);
        BinaryPrimitives.WriteUInt64BigEndian(number, height);
        hash.AppendData(number);
        foreach (var change in sortedChanges)
        {
            // Length prefixes keep (key, value) boundaries unambiguous.
            hash.AppendData([(byte)change.Column]);
            AppendSized(hash, change.Key, number);
            AppendSized(hash, change.Value, number);
        }

        return hash.GetHashAndReset();
    }

    private static void AppendSized(IncrementalHash hash, byte[] data, Span<byte> scratch)
    {
        BinaryPrimitives.WriteUInt64BigEndian(scratch, (ulong)data.Length);
        hash.AppendData(scratch);
        hash.AppendData(data);
    }
}
