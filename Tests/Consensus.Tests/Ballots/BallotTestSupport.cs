using System.Numerics;
using System.Text;
using VoteChain.Consensus.Ballots;

namespace VoteChain.Consensus.Tests.Ballots;

/// <summary>Shared helpers: contexts like the rules will build them, and byte-level tampering.</summary>
internal static class BallotTestSupport
{
    public static readonly BigInteger Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    public static byte[] Context(string election = "e1", string credential = "cred-a", ulong weight = 3) =>
        Encoding.UTF8.GetBytes($"chain-test|{election}|{credential}|{weight}");

    /// <summary>The same scalar value plus L: still below 2^256, so only the canonical check can refuse it.</summary>
    public static byte[] PlusOrder(ReadOnlySpan<byte> scalar)
    {
        var value = new BigInteger(scalar, isUnsigned: true) + Order;
        var bytes = new byte[32];
        Assert.That(value.TryWriteBytes(bytes, out _, isUnsigned: true), Is.True);
        return bytes;
    }

    public static byte[] WithScalarAt(byte[] proof, int offset, ReadOnlySpan<byte> scalar)
    {
        var copy = (byte[])proof.Clone();
        scalar.CopyTo(copy.AsSpan(offset));
        return copy;
    }

    public static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 1;
        return copy;
    }
}
