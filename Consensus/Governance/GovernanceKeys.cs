using System.Buffers.Binary;
using System.Text;

namespace VoteChain.Consensus.Governance;

/// <summary>
/// How governance records are keyed in their state column: a short ASCII kind, then the record's own key. The kinds
/// are distinct prefixes, so no key of one kind is a key of another.
/// </summary>
public static class GovernanceKeys
{
    public static byte[] Head { get; } = Encoding.ASCII.GetBytes("head");

    public static byte[] Proposal(ReadOnlySpan<byte> proposalId) => Join("proposal/", proposalId);

    /// <summary>The <paramref name="number"/>th proposal, from 1 (not a prefix of <see cref="Proposal"/>'s keys).</summary>
    public static byte[] ProposalNumber(ulong number) => Join("proposal-number/", BigEndian(number));

    /// <summary>The proposals of <paramref name="proposer"/> that may still be open.</summary>
    public static byte[] OpenProposals(ReadOnlySpan<byte> proposer) => Join("open/", proposer);

    /// <summary>The <paramref name="number"/>th validator set after genesis's, from 1.</summary>
    public static byte[] ValidatorSet(ulong number) => Join("set/", BigEndian(number));

    /// <summary>The <paramref name="number"/>th parameter change, from 1.</summary>
    public static byte[] Params(ulong number) => Join("params/", BigEndian(number));

    public static byte[] Authority(ReadOnlySpan<byte> publicKey) => Join("authority/", publicKey);

    /// <summary>What every authority record's key starts with, followed by the authority's key.</summary>
    public static byte[] AuthorityPrefix => Authority([]);

    public static byte[] Retired(ReadOnlySpan<byte> publicKey) => Join("retired/", publicKey);

    private static byte[] BigEndian(ulong value)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Join(string kind, ReadOnlySpan<byte> key)
    {
        var prefix = Encoding.ASCII.GetBytes(kind);
        var joined = new byte[prefix.Length + key.Length];
        prefix.CopyTo(joined, 0);
        key.CopyTo(joined.AsSpan(prefix.Length));
        return joined;
    }
}
