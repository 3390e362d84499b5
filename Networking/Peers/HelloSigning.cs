using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The signed bytes of the gossip handshake (docs/HANDSHAKE.md). The caller's Hello signs the server's fresh
/// challenge, the key the server announced with it, and the connection binding; the server's Welcome signs the
/// caller's challenge and the same binding. A Hello is therefore good on one stream of one TLS connection only, and at
/// the one node it names: replayed on any other stream, or relayed to another node, it does not verify.
/// </summary>
public static class HelloSigning
{
    public const int ChallengeSize = 32;
    public const int MaxNameBytes = 256;
    public const int MaxEndpointBytes = 512;

    private static readonly byte[] HelloDomain = Encoding.ASCII.GetBytes("votechain/v1/peer-hello\0");
    private static readonly byte[] WelcomeDomain = Encoding.ASCII.GetBytes("votechain/v1/peer-welcome\0");

    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(ChallengeSize);

    /// <param name="recipientKey">The key the server announced with its challenge: only that node takes this Hello.</param>
    public static Hello CreateHello(LocalPeer self, byte[] recipientKey, byte[] serverChallenge, byte[] clientChallenge, ConnectionBinding binding)
    {
        ArgumentNullException.ThrowIfNull(self);
        var hello = new Hello
        {
            ChainId = self.ChainId,
            GenesisHash = ByteString.CopyFrom(self.GenesisHash),
            PublicKey = ByteString.CopyFrom(self.Key.PublicKey),
            RecipientKey = ByteString.CopyFrom(recipientKey),
            Name = self.Name,
            Endpoint = self.Endpoint,
            ClientChallenge = ByteString.CopyFrom(clientChallenge),
        };
        hello.Signature = ByteString.CopyFrom(self.Key.Sign(HelloBytes(hello, serverChallenge, binding)));
        return hello;
    }

    /// <summary>
    /// Null when the Hello is for this chain and for this node (<paramref name="ownKey"/>), signed by the key it names
    /// over this stream's challenge and binding.
    /// </summary>
    public static string? HelloProblem(Hello? hello, string chainId, byte[] genesisHash, byte[] ownKey, byte[] serverChallenge,
        ConnectionBinding binding)
    {
        if (hello is null)
        {
            return "the stream did not open with a Hello";
        }

        if (hello.ChainId != chainId || !hello.GenesisHash.Span.SequenceEqual(genesisHash))
        {
            return $"the peer runs chain '{Printable(hello.ChainId)}' with another genesis";
        }

        if (hello.PublicKey.Length != Ed25519.PublicKeySize || hello.ClientChallenge.Length != ChallengeSize
            || Encoding.UTF8.GetByteCount(hello.Name) > MaxNameBytes || Encoding.UTF8.GetByteCount(hello.Endpoint) > MaxEndpointBytes)
        {
            return "the Hello is malformed (key, challenge, name or endpoint size)";
        }

        // A Hello signed for another node was relayed here by whoever the caller dialed (finding 6 of the issue 9 review).
        if (!CryptographicOperations.FixedTimeEquals(hello.RecipientKey.Span, ownKey))
        {
            return "the Hello names another recipient key: it was signed for another node (relayed?)";
        }

        return Ed25519.Verify(hello.PublicKey.Span, HelloBytes(hello, serverChallenge, binding), hello.Signature.Span)
            ? null
            : "the Hello signature does not verify for this connection (replayed, or another TLS session or certificate)";
    }

    public static Welcome CreateWelcome(LocalPeer self, Hello hello, byte[] serverChallenge, ConnectionBinding binding)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(hello);
        var bytes = WelcomeBytes(self.ChainId, self.GenesisHash, self.Key.PublicKey, hello.ClientChallenge.Span, serverChallenge, binding);
        return new Welcome { PublicKey = ByteString.CopyFrom(self.Key.PublicKey), Signature = ByteString.CopyFrom(self.Key.Sign(bytes)) };
    }

    /// <summary>Null when the server proved its key over our challenge and this connection, and it is the key it announced (if given).</summary>
    public static string? WelcomeProblem(Welcome? welcome, LocalPeer self, byte[] clientChallenge, byte[] serverChallenge,
        ConnectionBinding binding, byte[]? expectedKey)
    {
        ArgumentNullException.ThrowIfNull(self);
        if (welcome is null || welcome.PublicKey.Length != Ed25519.PublicKeySize)
        {
            return "the server did not answer the Hello with a Welcome";
        }

        var bytes = WelcomeBytes(self.ChainId, self.GenesisHash, welcome.PublicKey.Span, clientChallenge, serverChallenge, binding);
        if (!Ed25519.Verify(welcome.PublicKey.Span, bytes, welcome.Signature.Span))
        {
            return "the Welcome signature does not verify for this connection";
        }

        return expectedKey is null || CryptographicOperations.FixedTimeEquals(expectedKey, welcome.PublicKey.Span)
            ? null
            : $"the server proved key {Convert.ToHexStringLower(welcome.PublicKey.Span)[..16]}..., not the key it announced with its challenge";
    }

    private static byte[] HelloBytes(Hello hello, ReadOnlySpan<byte> serverChallenge, ConnectionBinding binding)
    {
        using var stream = new MemoryStream();
        stream.Write(HelloDomain);
        WriteSized(stream, Encoding.UTF8.GetBytes(hello.ChainId));
        WriteSized(stream, hello.GenesisHash.Span);
        WriteSized(stream, hello.PublicKey.Span);
        WriteSized(stream, hello.RecipientKey.Span);
        WriteSized(stream, Encoding.UTF8.GetBytes(hello.Name));
        WriteSized(stream, Encoding.UTF8.GetBytes(hello.Endpoint));
        WriteSized(stream, serverChallenge);
        WriteSized(stream, hello.ClientChallenge.Span);
        WriteBinding(stream, binding);
        return stream.ToArray();
    }

    private static byte[] WelcomeBytes(string chainId, ReadOnlySpan<byte> genesisHash, ReadOnlySpan<byte> serverKey,
        ReadOnlySpan<byte> clientChallenge, ReadOnlySpan<byte> serverChallenge, ConnectionBinding binding)
    {
        using var stream = new MemoryStream();
        stream.Write(WelcomeDomain);
        WriteSized(stream, Encoding.UTF8.GetBytes(chainId));
        WriteSized(stream, genesisHash);
        WriteSized(stream, serverKey);
        WriteSized(stream, clientChallenge);
        WriteSized(stream, serverChallenge);
        WriteBinding(stream, binding);
        return stream.ToArray();
    }

    private static void WriteBinding(Stream stream, ConnectionBinding binding)
    {
        WriteSized(stream, binding.ServerCertificateHash);
        WriteSized(stream, binding.ClientCertificateHash);
    }

    private static void WriteSized(Stream stream, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }

    private static string Printable(string text) => text.Length <= 64 && text.All(c => !char.IsControl(c)) ? text : "(unprintable)";
}
