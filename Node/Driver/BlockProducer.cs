using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Mempool;
using VoteChain.Storage;

namespace VoteChain.Node.Driver;

/// <summary>Builds the primary's proposal from the mempool: a block's worth of transactions still valid in order.</summary>
internal sealed class BlockProducer
{
    /// <summary>
    /// Room left in the block budget for the header (about 200 bytes), its framing, and the validator change a block
    /// that approves one carries (up to 64 keys of 32 bytes, each with its tag and length): a full block that also
    /// completes an approval must still fit, or every replica refuses it and every primary builds it again.
    /// </summary>
    private const int HeaderAllowance = 1024 + (Consensus.Governance.GovernanceChecks.MaxValidators * 40);

    private readonly ChainContext _chain;
    private readonly ChainStore _store;
    private readonly Mempool _mempool;
    private readonly ChainExecutor _executor;
    private readonly TimeProvider _clock;

    public BlockProducer(ChainContext chain, ChainStore store, Mempool mempool, ChainExecutor executor, TimeProvider clock)
    {
        _chain = chain;
        _store = store;
        _mempool = mempool;
        _executor = executor;
        _clock = clock;
    }

    public byte[] Build(ProposalRequest request)
    {
        // The limits in force at this height: governance may have lowered genesis's (docs/GOVERNANCE.md).
        var limits = BlockLimits.At(_store, _chain.Rules, request.Height);
        var candidates = _mempool.TakeForBlock((int)limits.MaxTxs, limits.MaxBytes - HeaderAllowance);
        KeyPreparation.Prepare(_chain.Rules, candidates, state: _store);
        // Block time is this node's clock, but always after the parent's, as every replica checks. Read after the
        // candidates are taken and their keys checked (which may take a while with a full pool), so the time a replica
        // judges is as fresh as it can be.
        var time = Math.Max(_clock.GetUtcNow().ToUnixTimeMilliseconds(), _executor.ParentTime(request.Height) + 1);
        var context = new BlockContext(request.Height, time);
        var overlay = new StateOverlay(_store);
        var accepted = new List<VerifiedTx>(candidates.Count);
        foreach (var tx in candidates)
        {
            // A transaction that stopped being valid (another block took its place) is left out, not fatal.
            if (TxRules.Apply(overlay, _chain.Rules, context, tx) is null)
            {
                accepted.Add(tx);
            }
        }

        var result = BlockResult.Of(_store, overlay, request.Height, accepted.Select(t => t.Id).ToList());
        var block = BlockCodec.Build(_chain.ChainId, request.Height, request.PreviousHash, time, request.Proposer,
            accepted.Select(t => t.EnvelopeBytes).ToList(), accepted.Select(t => t.Id).ToList(), result.StateRoot, result.ValidatorChange);
        _executor.Remember(block, accepted, result);
        return BlockCodec.WithoutCertificate(block.Block);
    }
}
