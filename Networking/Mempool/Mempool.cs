using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Mempool;

/// <summary>
/// Transactions waiting for a block. Each is verified once (signatures in parallel across cores), checked
/// against committed state plus everything already pending (so two votes of one credential cannot both wait),
/// deduplicated by id and bounded in count and bytes. After a commit, included transactions leave and the rest
/// are re-checked against the new state.
/// </summary>
public sealed class Mempool
{
    private readonly TxDecoder _decoder;
    private readonly RuleContext _rules;
    private readonly IStateReader _committed;
    private readonly Func<BlockContext> _nextBlock;
    private readonly MempoolLimits _limits;
    private readonly object _gate = new();
    private readonly List<VerifiedTx> _pending = [];
    private readonly Dictionary<byte[], VerifiedTx> _byId = new(ByteKeyComparer.Instance);
    private StateOverlay _overlay;
    private long _bytes;

    /// <param name="nextBlock">Height and time a new transaction would be judged at (the node's clock).</param>
    public Mempool(string chainId, RuleContext rules, IStateReader committed, Func<BlockContext> nextBlock, MempoolLimits limits)
    {
        _decoder = new TxDecoder(chainId, limits.MaxTxBytes);
        _rules = rules;
        _committed = committed;
        _nextBlock = nextBlock;
        _limits = limits;
        _overlay = new StateOverlay(committed);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public bool Contains(byte[] txId)
    {
        lock (_gate)
        {
            return _byId.ContainsKey(txId);
        }
    }

    /// <summary>A pending transaction already verified, so a proposal holding it needs no second signature check.</summary>
    public VerifiedTx? Verified(byte[] txId)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(txId);
        }
    }

    public SubmitOutcome Submit(byte[] envelope) => SubmitMany([envelope])[0];

    /// <summary>Verifies all signatures in parallel, then admits the envelopes one by one, in order.</summary>
    public IReadOnlyList<SubmitOutcome> SubmitMany(IReadOnlyList<byte[]> envelopes)
    {
        var decoded = new Outcome<VerifiedTx>[envelopes.Count];
        Parallel.For(0, envelopes.Count, i => decoded[i] = Decode(envelopes[i]));

        var results = new SubmitOutcome[envelopes.Count];
        var block = _nextBlock();
        lock (_gate)
        {
            for (var i = 0; i < envelopes.Count; i++)
            {
                results[i] = decoded[i].IsOk ? Admit(decoded[i].Value!, block) : new SubmitOutcome(null, decoded[i].Rejection);
            }
        }

        return results;
    }

    /// <summary>
    /// Up to a block's worth of pending transactions, in the order they arrived (valid in that order).
    /// <paramref name="maxBytes"/> bounds the transactions as framed in a block (see BlockCodec.FramedSize).
    /// </summary>
    public List<VerifiedTx> TakeForBlock(int maxTransactions, long maxBytes)
    {
        lock (_gate)
        {
            var taken = new List<VerifiedTx>();
            long bytes = 0;
            foreach (var tx in _pending)
            {
                var framed = BlockCodec.FramedSize(tx.EnvelopeBytes.Length);
                if (taken.Count >= maxTransactions || bytes + framed > maxBytes)
                {
                    break;
                }

                taken.Add(tx);
                bytes += framed;
            }

            return taken;
        }
    }

    /// <summary>
    /// After a block commits (the committed state already shows it): drops what it included, and re-checks the
    /// rest against the new state, dropping what it made invalid (e.g. the other of two votes of one credential).
    /// Returns how many were dropped as invalid.
    /// </summary>
    public int OnCommitted(IEnumerable<byte[]> includedTxIds)
    {
        var included = new HashSet<byte[]>(includedTxIds, ByteKeyComparer.Instance);
        lock (_gate)
        {
            var survivors = _pending.Where(tx => !included.Contains(tx.Id)).ToList();
            _pending.Clear();
            _byId.Clear();
            _bytes = 0;
            _overlay = new StateOverlay(_committed);
            var block = _nextBlock();
            foreach (var tx in survivors)
            {
                Admit(tx, block);
            }

            return survivors.Count - _pending.Count;
        }
    }

    private Outcome<VerifiedTx> Decode(byte[] envelope)
    {
        // Cheap refusals before the signature check: known ids cost a hash, not a verification.
        if (envelope.Length <= _limits.MaxTxBytes && Contains(Hashing.Sha256(envelope)))
        {
            return new Rejection(RejectCode.DuplicateTransaction, "This transaction is already pending.");
        }

        return _decoder.Decode(envelope);
    }

    private SubmitOutcome Admit(VerifiedTx tx, BlockContext block)
    {
        if (_byId.ContainsKey(tx.Id))
        {
            return new SubmitOutcome(tx.Id, new Rejection(RejectCode.DuplicateTransaction, "This transaction is already pending."));
        }

        if (_pending.Count >= _limits.MaxTransactions || _bytes + tx.EnvelopeBytes.Length > _limits.MaxBytes)
        {
            return new SubmitOutcome(tx.Id, new Rejection(RejectCode.MempoolFull,
                "The node's pool of pending transactions is full; try again shortly."));
        }

        if (TxRules.Apply(_overlay, _rules, block, tx) is { } rejection)
        {
            return new SubmitOutcome(tx.Id, rejection);
        }

        _pending.Add(tx);
        _byId[tx.Id] = tx;
        _bytes += tx.EnvelopeBytes.Length;
        return new SubmitOutcome(tx.Id, null) { IsNew = true };
    }
}
