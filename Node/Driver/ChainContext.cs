using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Transactions;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Driver;

/// <summary>The fixed facts of the chain a node runs, derived once from its genesis.</summary>
internal sealed class ChainContext
{
    public ChainContext(GenesisMessage genesis)
    {
        Genesis = genesis;
        GenesisHash = Consensus.Genesis.GenesisHash.Of(genesis);
        Validators = ValidatorSet.From(genesis);
        Rules = RuleContext.From(genesis);
    }

    public GenesisMessage Genesis { get; }

    public string ChainId => Genesis.ChainId;

    public byte[] GenesisHash { get; }

    public ValidatorSet Validators { get; }

    public RuleContext Rules { get; }

    public Protos.V1.ConsensusParams Params => Genesis.Params;

    /// <summary>
    /// The decoder for the transactions of blocks (proposed, fetched or committed): bounded by the block, not by the
    /// mempool's per-transaction limit, since a block is judged by the rules in force for blocks.
    /// </summary>
    public TxDecoder BlockTransactionDecoder() => new(ChainId, (int)Math.Max(1024, Params.MaxBlockBytes));
}
