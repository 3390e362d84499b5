using System.Collections.Concurrent;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;

namespace VoteChain.Node.Driver;

/// <summary>
/// Block sync's head start. The transactions of each fetched block are decoded (signatures checked) and the keys they
/// register curve-checked on every core just before the block goes to the driver, so they are checked while the driver
/// is still running the rules and writes of the block before it; the executor then takes each verdict instead of
/// checking again. Without it, a syncing node checked one block at a time between the driver's serial work, and the
/// cores waited on each other.
/// <para>
/// Safe to reuse: a decode verdict depends only on the envelope's bytes (<see cref="TxDecoder"/>, the same decoder the
/// executor uses for blocks) and is found by their SHA-256, as the mempool's are; refusals are not kept, so the
/// executor decodes those again and gives the refusal itself. Nothing is decided here. Bounded: sync clears what is
/// held before each new batch (at most one block-sync response) and when it stops following, and the executor takes
/// each verdict it finds, also where the mempool's own was used.
/// </para>
/// </summary>
internal sealed class FetchedTransactions
{
    private readonly ChainContext _chain;
    private readonly TxDecoder _decoder;
    private readonly ConcurrentDictionary<byte[], VerifiedTx> _verified = new(ByteKeyComparer.Instance);

    private readonly ValidatorSchedule _schedule;

    /// <param name="schedule">The node's validator sets as far as it has committed: a block past a change it has not
    /// committed yet fails the pre-check here and is left to the engine, which checks it once it gets there.</param>
    public FetchedTransactions(ChainContext chain, ValidatorSchedule schedule)
    {
        _chain = chain;
        _schedule = schedule;
        _decoder = chain.BlockTransactionDecoder();
    }

    /// <summary>Transactions verified ahead and not taken yet.</summary>
    public int Count => _verified.Count;

    /// <summary>
    /// Verifies the transactions of one encoded block as a peer served it on every core, and holds the verdicts for
    /// <see cref="Take"/>, but only for a block that passes the engine's cheap checks first: it parses, continues
    /// <paramref name="previousHash"/> at <paramref name="height"/>, and carries a valid commit certificate. Anything else
    /// is left to the engine, which refuses it, so a lying peer's forged batch costs three certificate signatures, not
    /// every transaction in it.
    /// </summary>
    /// <returns>The block's hash when it was prepared (the next block's expected parent); null when it was not.</returns>
    public byte[]? Prepare(byte[] block, ulong height, byte[] previousHash, CancellationToken cancellation)
    {
        if (BlockCodec.Parse(block).Value is not { } parsed
            || _schedule.At(height) is not { } validators
            || BlockValidity.StructureProblem(parsed.Header, _chain.ChainId, height, previousHash, validators.Count) is not null
            || CommitCertificates.Problem(parsed.Block.Certificate, validators, _chain.ChainId, height, parsed.Hash) is not null)
        {
            return null;
        }

        var envelopes = parsed.Block.Transactions;
        var verified = new VerifiedTx?[envelopes.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = ParallelChecks.Options.MaxDegreeOfParallelism,
            CancellationToken = cancellation,
        };
        Parallel.For(0, envelopes.Count, parallel, i => verified[i] = _decoder.Decode(envelopes[i].ToByteArray()).Value);
        var decoded = verified.OfType<VerifiedTx>().ToList();
        KeyPreparation.Prepare(_chain.Rules, decoded, parallel);
        foreach (var tx in decoded)
        {
            _verified.TryAdd(tx.Id, tx);
        }

        return parsed.Hash;
    }

    /// <summary>The transaction with this id (SHA-256 of its envelope) if it was verified ahead; each is taken once.</summary>
    public VerifiedTx? Take(byte[] txId) => _verified.TryRemove(txId, out var tx) ? tx : null;

    /// <summary>Forgets what was not taken (blocks the engine refused, or that consensus committed first).</summary>
    public void Clear() => _verified.Clear();
}
