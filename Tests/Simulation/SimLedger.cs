using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Pbft;

namespace VoteChain.Simulation;

/// <summary>
/// A simulated node's committed blocks, and the stand-in for the voting rules: a block is valid when its Merkle
/// root matches, no transaction is marked invalid and its time is after its parent's and not ahead of the clock.
/// </summary>
internal sealed class SimLedger : IProposalValidator
{
    public const string InvalidMarker = "INVALID";
    private const long MaxDriftMs = 5_000;

    private readonly Func<long> _nowMs;
    private readonly List<FinalizedBlock> _blocks = [];

    public SimLedger(byte[] genesisHash, Func<long> nowMs)
    {
        GenesisHash = genesisHash;
        _nowMs = nowMs;
    }

    public byte[] GenesisHash { get; }

    public IReadOnlyList<FinalizedBlock> Blocks => _blocks;

    public ulong Height => (ulong)_blocks.Count;

    public byte[] HeadHash => _blocks.Count == 0 ? GenesisHash : _blocks[^1].Block.Hash;

    public long HeadTime => _blocks.Count == 0 ? 0 : _blocks[^1].Block.Header.TimeUnixMs;

    public void Append(FinalizedBlock block) => _blocks.Add(block);

    /// <summary>Keeps only the first <paramref name="height"/> blocks: a node restarted from an older copy of its data.</summary>
    public void TruncateTo(ulong height) => _blocks.RemoveRange((int)height, _blocks.Count - (int)height);

    public string? Problem(ParsedBlock block) => ContentProblem(block, HeadTime, _nowMs() + MaxDriftMs);

    /// <summary>The content rules without the clock: what a committed block must satisfy on every node.</summary>
    public static string? ContentProblem(ParsedBlock block, long parentTime, long latestTime)
    {
        var transactions = block.Block.Transactions.Select(t => t.ToByteArray()).ToList();
        if (!MerkleTree.Root(transactions.Select(t => Hashing.Sha256(t)).ToList()).AsSpan().SequenceEqual(block.Header.TxRoot.Span))
        {
            return "the transaction root does not match";
        }

        if (transactions.Any(t => System.Text.Encoding.UTF8.GetString(t).StartsWith(InvalidMarker, StringComparison.Ordinal)))
        {
            return "a transaction breaks the rules";
        }

        if (block.Header.TimeUnixMs <= parentTime || block.Header.TimeUnixMs > latestTime)
        {
            return "the block time is not after its parent's or too far ahead";
        }

        return null;
    }

    public static ParsedBlock Build(string chainId, ProposalRequest request, long timeMs, IReadOnlyList<byte[]> transactions) =>
        BlockCodec.Build(chainId, request.Height, request.PreviousHash, timeMs, request.Proposer, transactions,
            transactions.Select(t => Hashing.Sha256(t)).ToList(), new byte[Hashing.HashSize]);
}
