using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VoteChain.Consensus.State;

/// <summary>
/// The state root: a digest that chains every block's state changes onto the previous root. Two nodes with
/// the same history compute the same root; a replica checks a proposal by recomputing it.
/// </summary>
public static class StateRoot
{
    private static readonly byte[] GenesisDomain = Encoding.ASCII.GetBytes("votechain/v1/state-genesis");
    private static readonly byte[] BlockDomain = Encoding.ASCII.GetBytes("votechain/v1/state");

    public static byte[] Genesis(ReadOnlySpan<byte> genesisHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(GenesisDomain);
        hash.AppendData(genesisHash);
        return hash.GetHashAndReset();
    }

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
