using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VoteChain.Consensus.Ballots;

/// <summary>
/// The Fiat-Shamir transcript: SHA-512 over a length-prefixed domain tag, the length-prefixed caller context
/// (chain, election, credential, weight ...), then fixed-size items in a fixed order. Every variable-length part
/// carries its length, so no two different statements hash the same byte stream. The digest reduced mod L is the
/// challenge.
/// </summary>
internal sealed class Transcript : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);

    public Transcript(string domainTag, ReadOnlySpan<byte> context)
    {
        AppendBytes(Encoding.ASCII.GetBytes(domainTag));
        AppendBytes(context);
    }

    public Transcript Append(GroupElement element)
    {
        _hash.AppendData(element.Span);
        return this;
    }

    public Transcript Append(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _hash.AppendData(bytes);
        return this;
    }

    public Scalar Challenge() => Scalar.FromWideBytes(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    private void AppendBytes(ReadOnlySpan<byte> bytes)
    {
        Append((ulong)bytes.Length);
        _hash.AppendData(bytes);
    }
}
