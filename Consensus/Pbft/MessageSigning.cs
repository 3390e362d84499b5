using System.Buffers.Binary;
using System.Text;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// The fixed byte layout every consensus signature covers:
/// <c>"votechain/v1/pbft" 0x00 step len(chain) chain height view len(hash) hash extra</c> (integers big-endian).
/// The step names the message type, so no signature passes for another type, height, view or chain, and a
/// commit certificate can be checked from (height, view, hash) and the validator set alone.
/// </summary>
public static class MessageSigning
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("votechain/v1/pbft\0");

    public static byte[] Bytes(SignStep step, string chainId, ulong height, ulong view, ReadOnlySpan<byte> hash, ulong extra = 0)
    {
        var chain = Encoding.UTF8.GetBytes(chainId);
        var buffer = new byte[Domain.Length + 1 + 1 + chain.Length + 8 + 8 + 1 + hash.Length + 8];
        var span = buffer.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        span[0] = (byte)step;
        span[1] = checked((byte)chain.Length);
        chain.CopyTo(span[2..]);
        span = span[(2 + chain.Length)..];
        BinaryPrimitives.WriteUInt64BigEndian(span, height);
        BinaryPrimitives.WriteUInt64BigEndian(span[8..], view);
        span[16] = checked((byte)hash.Length);
        hash.CopyTo(span[17..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[(17 + hash.Length)..], extra);
        return buffer;
    }
}
