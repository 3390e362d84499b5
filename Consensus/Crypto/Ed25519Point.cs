using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace VoteChain.Consensus.Crypto;

/// <summary>
/// Checks that 32 bytes encode a usable Ed25519 public key: a canonical encoding of a point on the curve, in the
/// main subgroup, not of small order. NSec imports any 32 bytes as a public key, so without this a registration
/// could hold a "key" no signature can ever match. The check is libsodium's (which NSec already loads): done with
/// big integers in C# it cost over a millisecond a key, too slow for registrations of thousands.
/// </summary>
/// <remarks>
/// Even libsodium's check costs about as much as a signature verification, and a registered key is checked several
/// times on each node (the mempool, the proposal, its execution, a re-check after a commit). The verdict is a pure
/// function of the 32 bytes, so keys found valid are remembered (a bounded set, emptied when full): each key costs one
/// check per node, and <see cref="WarmUp"/> runs those on every core.
/// </remarks>
internal static partial class Ed25519Point
{
    /// <summary>Keys remembered as valid: about 20 MB when full; a registration of 5,000 keys fits many times over.</summary>
    private const int MaxRemembered = 262_144;

    private static readonly ConcurrentDictionary<Key32, bool> ValidKeys = new();
    private static int _remembered;
    private static long _checks;

    /// <summary>libsodium point checks run so far in this process (a remembered key costs none), for tests.</summary>
    internal static long Checks => Interlocked.Read(ref _checks);

    public static bool IsOnCurve(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != Ed25519.PublicKeySize)
        {
            return false;
        }

        var key = Key32.From(encoded);
        if (ValidKeys.ContainsKey(key))
        {
            return true;
        }

        // Touching NSec's algorithm first makes NSec run sodium_init, which libsodium needs before any call.
        _ = NSec.Cryptography.SignatureAlgorithm.Ed25519;
        Interlocked.Increment(ref _checks);
        var valid = IsValidPoint(encoded.ToArray()) == 1;
        if (valid)
        {
            // Counted apart: ConcurrentDictionary.Count takes every one of its locks.
            if (Interlocked.Increment(ref _remembered) > MaxRemembered)
            {
                ValidKeys.Clear();
                Interlocked.Exchange(ref _remembered, 1);
            }

            ValidKeys.TryAdd(key, true);
        }

        return valid;
    }

    /// <summary>Checks keys on every core ahead of rules that check them one at a time, so those find the verdicts.</summary>
    public static void WarmUp(IReadOnlyList<ReadOnlyMemory<byte>> keys, ParallelOptions parallel)
    {
        if (keys.Count > 0)
        {
            Parallel.For(0, keys.Count, parallel, i => IsOnCurve(keys[i].Span));
        }
    }

    [DllImport("libsodium", EntryPoint = "crypto_core_ed25519_is_valid_point", CallingConvention = CallingConvention.Cdecl)]
    private static extern int IsValidPoint(byte[] point);

    /// <summary>32 bytes as a value, for a set without an allocation per lookup.</summary>
    private readonly record struct Key32(ulong A, ulong B, ulong C, ulong D)
    {
        public static Key32 From(ReadOnlySpan<byte> bytes)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(bytes);
            return new Key32(words[0], words[1], words[2], words[3]);
        }
    }
}
