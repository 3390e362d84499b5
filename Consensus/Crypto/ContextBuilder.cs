using System.Buffers.Binary;
using System.Text;

namespace VoteChain.Consensus.Crypto;

/// <summary>
/// Builds the byte strings proofs and signatures are bound to: a domain tag, then fields each prefixed by its length
/// (numbers as 8 bytes little-endian), so no two different field lists can give the same bytes and no statement made
/// under one tag passes under another.
/// </summary>
internal sealed class ContextBuilder
{
    private readonly MemoryStream _stream = new();

    public ContextBuilder(string tag) => Bytes(Encoding.ASCII.GetBytes(tag));

    public ContextBuilder Text(string value) => Bytes(Encoding.UTF8.GetBytes(value));

    public ContextBuilder Bytes(ReadOnlySpan<byte> value)
    {
        Number((ulong)value.Length);
        _stream.Write(value);
        return this;
    }

    public ContextBuilder Number(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _stream.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();
}
