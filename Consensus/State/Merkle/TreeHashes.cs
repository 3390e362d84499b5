using System.Security.Cryptography;
using System.Text;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// The hashes of the state tree (docs/STATE-PROOFS.md). Every kind of input has its own domain, so a key path can never
/// pass for a node, nor a leaf for an internal node (the compact tree tells leaves from internal nodes only by their
/// hash). Each domain is short enough that a leaf or an internal node hashes in two SHA-256 blocks.
/// </summary>
public static class TreeHashes
{
    public const int Size = Hashing.HashSize;

    private static readonly byte[] KeyDomain = Encoding.ASCII.GetBytes("votechain/v1/state-key\0");
    private static readonly byte[] LeafDomain = Encoding.ASCII.GetBytes("votechain/v1/state-leaf\0");
    private static readonly byte[] InternalDomain = Encoding.ASCII.GetBytes("votechain/v1/state-node\0");

    /// <summary>The hash of an empty subtree: 32 zero bytes, which no SHA-256 input is known to give.</summary>
    public static ReadOnlySpan<byte> Empty => EmptyHash;

    /// <summary>Shared by the tree's own code, which never writes into it.</summary>
    internal static readonly byte[] EmptyHash = new byte[Size];

    /// <summary>Where a record sits in the tree: 256 bits, spread evenly whatever the keys look like, so depth stays about log2(n).</summary>
    public static byte[] KeyPath(StateColumn column, ReadOnlySpan<byte> key)
    {
        var hash = Hasher;
        hash.AppendData(KeyDomain);
        hash.AppendData([(byte)column]);
        hash.AppendData(key);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// The hash a leaf carries for its record: plain SHA-256 of the serialized record, so a client holding the record
    /// computes it with nothing else. It is only ever hashed again under the leaf domain.
    /// </summary>
    public static byte[] ValueHash(ReadOnlySpan<byte> value) => Hashing.Sha256(value);

    public static byte[] Leaf(ReadOnlySpan<byte> path, ReadOnlySpan<byte> valueHash) => Hash(LeafDomain, path, valueHash);

    public static byte[] Internal(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => Hash(InternalDomain, left, right);

    private static byte[] Hash(byte[] domain, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var hash = Hasher;
        var length = domain.Length + first.Length + second.Length;
        if (length <= JoinedInput)
        {
            // Joined on the stack and appended once: each append is a call into the native digest, which costs more
            // than copying 88 bytes (TreeHashBenchmarks).
            Span<byte> input = stackalloc byte[JoinedInput];
            domain.CopyTo(input);
            first.CopyTo(input[domain.Length..]);
            second.CopyTo(input[(domain.Length + first.Length)..]);
            hash.AppendData(input[..length]);
        }
        else
        {
            hash.AppendData(domain);
            hash.AppendData(first);
            hash.AppendData(second);
        }

        var result = new byte[Size];
        hash.GetHashAndReset(result);
        return result;
    }

    /// <summary>A domain and two hashes fit: every node and leaf hash.</summary>
    private const int JoinedInput = 128;

    /// <summary>
    /// A block hashes tens of thousands of nodes; a SHA-256 context kept per thread and reset after each use costs about
    /// a quarter less per hash than a one-shot SHA256.HashData (TreeHashBenchmarks, docs/STATE-PROOFS.md): the native
    /// digest's per-call set-up is most of the cost of hashing 88 bytes. One per thread: callers may verify concurrently.
    /// </summary>
    private static IncrementalHash Hasher => _hasher ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    [ThreadStatic]
    private static IncrementalHash? _hasher;
}
