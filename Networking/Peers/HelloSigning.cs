using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The signed Hello that opens a gossip stream. It proves which key the caller holds and that it runs the same
/// chain; a Hello more than a few minutes old is refused so that a captured one cannot be replayed later.
/// </summary>
public static class HelloSigning
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("votechain/v1/hello\0");

    public static Hello Create(ISigner signer, string chainId, byte[] genesisHash, string name, string endpoint, long nowUnixMs)
    {
        var hello = new Hello
        {
            ChainId = chainId,
            GenesisHash = ByteString.CopyFrom(genesisHash),
            PublicKey = ByteString.CopyFrom(signer.PublicKey),
            Name = name,
            TimeUnixMs = nowUnixMs,
            Endpoint = endpoint,
        };
        hello.Signature = ByteString.CopyFrom(signer.Sign(SignedBytes(hello)));
        return hello;
    }

    /// <summary>Null when the Hello is for this chain, fresh and signed by the key it names.</summary>
    public static string? Problem(Hello? hello, string chainId, byte[] genesisHash, long nowUnixMs)
    {
        if (hello is null)
        {
            return "the stream did not open with a Hello";
        }

        if (hello.ChainId != chainId || !hello.GenesisHash.Span.SequenceEqual(genesisHash))
        {
            return $"the peer runs chain '{hello.ChainId}' with another genesis";
        }

        if (Math.Abs(nowUnixMs - hello.TimeUnixMs) > MaxAge.TotalMilliseconds)
        {
            return "the Hello is too old or from the future (check both clocks)";
        }

        return Ed25519.Verify(hello.PublicKey.Span, SignedBytes(hello), hello.Signature.Span)
            ? null
            : "the Hello signature does not verify";
    }

    private static byte[] SignedBytes(Hello hello)
    {
        using var stream = new MemoryStream();
        stream.Write(Domain);
        WriteSized(stream, Encoding.UTF8.GetBytes(hello.ChainId));
        WriteSized(stream, hello.GenesisHash.Span);
        WriteSized(stream, hello.PublicKey.Span);
        WriteSized(stream, Encoding.UTF8.GetBytes(hello.Name));
        WriteSized(stream, Encoding.UTF8.GetBytes(hello.Endpoint));
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, hello.TimeUnixMs);
        stream.Write(time);
        return stream.ToArray();
    }

    private static void WriteSized(Stream stream, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }
}
