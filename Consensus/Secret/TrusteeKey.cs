using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// A trustee's key: an Ed25519 key of its own (config/trustee.key, never the node key) that signs the trustee's
/// transactions, receives sealed key shares (<see cref="ShareSealing"/>) and seeds its dealing polynomials.
/// The 32-byte seed is the whole secret: saving it is enough to deal, complain, answer and decrypt after a restart.
/// </summary>
public sealed class TrusteeKey : IDisposable
{
    public const int SeedSize = Ed25519KeyPair.SeedSize;

    private static readonly byte[] DealingTag = Encoding.ASCII.GetBytes("votechain/v1/secret/dealing/2");

    private TrusteeKey(Ed25519KeyPair signing) => Signing = signing;

    public Ed25519KeyPair Signing { get; }

    public byte[] PublicKey => Signing.PublicKey;

    /// <summary>A fresh key from the operating system's CSPRNG.</summary>
    public static TrusteeKey Generate()
    {
        var seed = RandomNumberGenerator.GetBytes(SeedSize);
        try
        {
            return FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public static TrusteeKey FromSeed(ReadOnlySpan<byte> seed) => new(Ed25519KeyPair.FromSeed(seed));

    /// <summary>The seed to save (the caller wipes it once written).</summary>
    public byte[] ExportSeed() => Signing.ExportSeed();

    /// <summary>
    /// The trustee's dealing polynomial for one election, of degree <paramref name="threshold"/> − 1:
    /// a_l = reduce(SHA-512(len-prefixed "votechain/v1/secret/dealing/2" ‖ seed ‖ chain id ‖ genesis hash ‖
    /// election id ‖ creating transaction id ‖ u64 l ‖ u64 counter)).
    /// Deterministic, so the trustee keeps no state beyond its key: after a restart it rebuilds the deal it posted,
    /// answers a complaint and finds its own share. Why this is safe:
    /// - the seed is secret, so the coefficients are a PRF's outputs (SHA-512 as a keyed hash); nobody without the
    ///   seed learns anything about them beyond the public commitments and the revealed shares;
    /// - the domain tag and the length prefixes keep these hashes apart from Ed25519's own use of the seed
    ///   (SHA-512 of the bare seed) and from any other message, so signatures leak nothing about a_l and back;
    /// - a polynomial must never be dealt twice: an authority of a second election naming the same key and T keys of
    ///   its own would receive T evaluations and recover a_0. The chain id alone does not prevent that (anyone can
    ///   start a chain with the same id and election id), so the genesis hash and the id of the transaction that
    ///   created the election are in the hash as well: another chain has another genesis, and on one chain an
    ///   election id is unique (ELECTION_EXISTS) and its creating transaction too; l separates the coefficients.
    /// a_0 must not be zero (its commitment would be the identity, which the rules refuse): the counter, 0 for every
    /// coefficient, is raised for a_0 only in that case (probability about 2^-252).
    /// </summary>
    public ShamirPolynomial DealingPolynomial(DealingContext context, int threshold)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var seed = ExportSeed();
        try
        {
            var coefficients = new Scalar[threshold];
            for (var l = 0; l < threshold; l++)
            {
                ulong counter = 0;
                do
                {
                    coefficients[l] = Coefficient(seed, context, (ulong)l, counter++);
                }
                while (l == 0 && coefficients[0].IsZero);
            }

            return ShamirPolynomial.FromCoefficients(coefficients);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public void Dispose() => Signing.Dispose();

    private static Scalar Coefficient(byte[] seed, DealingContext context, ulong index, ulong counter)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        AppendPrefixed(hash, DealingTag);
        AppendPrefixed(hash, seed);
        AppendPrefixed(hash, Encoding.UTF8.GetBytes(context.ChainId));
        AppendPrefixed(hash, context.GenesisHash);
        AppendPrefixed(hash, Encoding.UTF8.GetBytes(context.ElectionId));
        AppendPrefixed(hash, context.CreatedTx);
        AppendNumber(hash, index);
        AppendNumber(hash, counter);
        var digest = hash.GetHashAndReset();
        try
        {
            return Scalar.FromWideBytes(digest);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digest);
        }
    }

    private static void AppendPrefixed(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        AppendNumber(hash, (ulong)bytes.Length);
        hash.AppendData(bytes);
    }

    private static void AppendNumber(IncrementalHash hash, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
