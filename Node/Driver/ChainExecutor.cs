using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Mempool;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Node.Driver;

/// <summary>
/// Runs the voting rules for consensus: judges proposals (the engine's <see cref="IProposalValidator"/>) and turns
/// committed blocks into what storage writes. Signatures already verified by the mempool are not verified again,
/// and a block executed to judge it is not executed again to commit it.
/// </summary>
internal sealed partial class ChainExecutor : IProposalValidator
{
    private readonly ChainContext _chain;
    private readonly ChainStore _store;
    private readonly Mempool _mempool;
    private readonly TxDecoder _decoder;
    private readonly FetchedTransactions _fetched;
    private readonly TimeProvider _clock;
    private readonly Dictionary<byte[], ReplayedBlock> _executed = new(ByteKeyComparer.Instance);
    private readonly ILogger _logger;

    /// <summary>The last block this executor committed and its time: every proposal's parent, so not re-read and
    /// re-parsed (a whole block of transactions) from storage for each proposal.</summary>
    private (ulong Height, long TimeUnixMs)? _head;

    public ChainExecutor(ChainContext chain, ChainStore store, Mempool mempool, FetchedTransactions fetched, TimeProvider clock, ILogger logger)
    {
        _logger = logger;
        _chain = chain;
        _store = store;
        _mempool = mempool;
        _clock = clock;
        _fetched = fetched;
        _decoder = chain.BlockTransactionDecoder();
    }

    /// <summary>This node's clock now, to stamp what arrives.</summary>
    public long NowUnixMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// When the input being handled arrived (null: now). A fresh proposal's block time is judged against the moment it
    /// reached this node: under load the driver may get to it seconds later, and judged then, an honest primary's
    /// proposal looked stale and every height waited for a view change (seen in the 1,000,000-vote run).
    /// </summary>
    public long? JudgingAtUnixMs { get; set; }

    public string? Problem(ParsedBlock block, ProposalCheck check)
    {
        long? now = check == ProposalCheck.Fresh ? JudgingAtUnixMs ?? NowUnixMs : null;
        var problem = BlockValidity.TimeProblem(block.Header.TimeUnixMs, ParentTime(block.Height), now, LimitsAt(block.Height).MaxClockDriftMs)
            ?? Execute(block, out _);
        if (problem is not null)
        {
            LogRefused(block.Height, block.Header.ProposerIndex, problem);
        }

        return problem;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused block {Height} (proposed by validator {Proposer}): {Problem}")]
    private partial void LogRefused(ulong height, uint proposer, string problem);

    /// <summary>What storage must write for a committed block. A certified block that breaks the rules means this
    /// node's state has diverged from a quorum's: that is fatal, not something to skip.</summary>
    public BlockWrite Prepare(FinalizedBlock committed)
    {
        if (Execute(committed.Block, out var executed) is { } problem)
        {
            throw new InvalidOperationException(
                $"Block {committed.Height} carries a valid certificate but breaks this node's rules ({problem}); its state has diverged.");
        }

        _executed.Clear();
        _head = (committed.Height, committed.Block.Header.TimeUnixMs);
        return executed!.ToWrite(committed.Block, committed.BlockBytes);
    }

    /// <summary>Remembers a block this node built itself, so judging its own proposal costs nothing.</summary>
    public void Remember(ParsedBlock block, List<VerifiedTx> transactions, BlockResult result) =>
        _executed[block.Hash] = new ReplayedBlock(transactions, result);

    /// <summary>
    /// The limits that bind the block at <paramref name="height"/>, from the committed state: a block is judged at the
    /// height after the head (a change of parameters takes effect three blocks after its approval, so every replica's
    /// committed state holds it by then).
    /// </summary>
    private BlockLimits LimitsAt(ulong height) => BlockLimits.At(_store, _chain.Rules, height);

    public long ParentTime(ulong height)
    {
        if (height <= 1)
        {
            return _chain.Genesis.GenesisTimeUnixMs;
        }

        if (_head is { } head && head.Height == height - 1)
        {
            return head.TimeUnixMs;
        }

        var parent = _store.GetBlockBytes(height - 1);
        return parent is null ? long.MaxValue : BlockCodec.Parse(parent).Value?.Header.TimeUnixMs ?? long.MaxValue;
    }

    /// <summary>
    /// The cache holds executions of bodies that were verified against their headers (by the replay, which hashes
    /// every transaction it decodes to the tx root, or built here). A header hash finds one, but it is reused only
    /// for the very same transaction bytes, compared byte for byte: cheaper than hashing them again, and a swapped
    /// body under a genuine header never borrows another body's verdict.
    /// </summary>
    private string? Execute(ParsedBlock block, out ReplayedBlock? executed)
    {
        executed = null;
        if (BlockValidity.LimitsProblem(block, LimitsAt(block.Height)) is { } limit)
        {
            return limit;
        }

        if (_executed.TryGetValue(block.Hash, out var cached) && SameTransactions(block, cached))
        {
            executed = cached;
            return null;
        }

        // Signatures the mempool already verified, or block sync verified ahead, are not verified again; the rest, and
        // the proofs of encrypted votes the mempool did not see, are checked on every core before the rules run one
        // transaction at a time (a block from a proposer whose gossip did not reach this node).
        Outcome<VerifiedTx> Decode(byte[] envelope)
        {
            var id = Consensus.Crypto.Hashing.Sha256(envelope);
            var fetched = _fetched.Take(id);
            return (_mempool.Verified(id) ?? fetched) is { } known ? Outcome<VerifiedTx>.Ok(known) : _decoder.Decode(envelope);
        }

        var prepared = BlockPreparation.Run(block, _store, _chain.Rules, Decode, (count, body) => Parallel.For(0, count, Consensus.Crypto.ParallelChecks.Options, body));
        if (BlockReplay.Problem(block, _store, _chain.Rules, prepared, out executed) is { } problem)
        {
            return problem;
        }

        _executed[block.Hash] = executed!;
        return null;
    }

    private static bool SameTransactions(ParsedBlock block, ReplayedBlock cached)
    {
        var transactions = block.Block.Transactions;
        if (transactions.Count != cached.Transactions.Count)
        {
            return false;
        }

        for (var i = 0; i < transactions.Count; i++)
        {
            if (!transactions[i].Span.SequenceEqual(cached.Transactions[i].EnvelopeBytes))
            {
                return false;
            }
        }

        return true;
    }
}
