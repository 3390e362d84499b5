using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;

namespace VoteChain.Consensus.Chain;

/// <summary>
/// Re-executes a block's content on top of a state: every transaction verified, the Merkle tx root, the rules,
/// and the state root. One implementation for validators judging a proposal and for auditors replaying a chain.
/// </summary>
public static class BlockReplay
{
    /// <param name="decode">How to obtain each verified transaction (a validator may reuse ones its mempool verified).</param>
    /// <returns>Null and the replayed block when the content holds; else the first problem as a sentence.</returns>
    public static string? Problem(ParsedBlock block, ICommittedState state, RuleContext rules, Func<byte[], Outcome<VerifiedTx>> decode,
        out ReplayedBlock? replayed)
    {
        replayed = null;
        var transactions = new List<VerifiedTx>(block.Block.Transactions.Count);
        foreach (var bytes in block.Block.Transactions)
        {
            var decoded = decode(bytes.ToByteArray());
            if (!decoded.IsOk)
            {
                return $"transaction {transactions.Count} does not verify: {decoded.Rejection}";
            }

            transactions.Add(decoded.Value);
        }

        if (!MerkleTree.Root(transactions.Select(t => t.Id).ToList()).AsSpan().SequenceEqual(block.Header.TxRoot.Span))
        {
            return BlockValidity.TxRootMismatch;
        }

        var result = BlockExecutor.Execute(state, rules, new BlockContext(block.Height, block.Header.TimeUnixMs), transactions);
        if (!result.IsOk)
        {
            return $"the block breaks the voting rules: {result.Rejection}";
        }

        if (!result.Value.StateRoot.AsSpan().SequenceEqual(block.Header.StateRoot.Span))
        {
            return "the header's state root differs from the state root of re-executing the block";
        }

        if (!result.Value.MatchesHeader(block.Header))
        {
            return "the header's validator change differs from the change re-executing the block approved";
        }

        replayed = new ReplayedBlock(transactions, result.Value);
        return null;
    }
}

/// <summary>A block's verified transactions and what executing them produced.</summary>
public sealed record ReplayedBlock(List<VerifiedTx> Transactions, BlockResult Result)
{
    public BlockWrite ToWrite(ParsedBlock block, byte[] blockBytes) =>
        new(block.Height, block.Hash, blockBytes, Transactions.Select(t => t.Id).ToList(), Result.Changes, Result.StateRoot, Result.Tree);
}
