using System.Security.Cryptography;

namespace VoteChain.Consensus.Crypto;

/// <summary>SHA-256, the one hash function of the chain.</summary>
public static class Hashing
{
    public const int HashSize = 32;

    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);
}
