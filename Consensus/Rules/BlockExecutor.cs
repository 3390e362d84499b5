using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Applies a block's verified transactions, in order, on top of committed state. A block is valid only as a
/// whole: the first transaction that breaks a rule makes the block invalid, and nothing is kept.
/// </summary>
public static class BlockExecutor
{
    public static Outcome<BlockResult> Execute(
        ICommittedState committed, RuleContext chain, BlockContext block, IReadOnlyList<VerifiedTx> transactions)
    {
        KeyPreparation.Prepare(chain, transactions, state: committed);
        var overlay = new StateOverlay(committed);
        for (var i = 0; i < transactions.Count; i++)
        {
            if (TxRules.Apply(overlay, chain, block, transactions[i]) is { } rejection)
            {
                return new Rejection(rejection.Code,
                    $"Transaction {i} ({Convert.ToHexStringLower(transactions[i].Id.AsSpan(0, 8))}...) breaks a rule: {rejection.Message}");
            }
        }

        return BlockResult.Of(committed, overlay, block.Height, transactions.Select(t => t.Id).ToList());
    }
}
