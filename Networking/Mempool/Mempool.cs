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
/// deduplicated by id and bounded in count and bytes. A credential has at most one pending vote per election: a
/// revote the rules accept replaces it, at most once between two commits (REVOTE_TOO_SOON after that). Envelopes refused for their bytes alone are remembered by hash
/// (<see cref="RefusalCache"/>), so a repeat costs a hash; envelopes verified but refused by the rules are kept
/// verified (<see cref="VerifiedCache"/>), so a repeat costs a hash and the rules. After a commit, included
/// transactions leave and the rest are re-checked against the new state.
/// </summary>
public sealed partial class Mempool
{
    private readonly TxDecoder _decoder;
    private readonly RuleContext _rules;
    private readonly CommittedReadCache _committed;
    private readonly Func<BlockContext> _nextBlock;
    private readonly MempoolLimits _limits;
    private readonly RefusalCache _refused;
    private readonly VerifiedCache _verifiedRefused = new();
    private readonly object _gate = new();
    private readonly LinkedList<VerifiedTx> _pending = [];
    private readonly Dictionary<byte[], LinkedListNode<VerifiedTx>> _byId = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], LinkedListNode<VerifiedTx>> _voteByCredential = new(ByteKeyComparer.Instance);
    private readonly HashSet<byte[]> _replacedSinceCommit = new(ByteKeyComparer.Instance);
    private readonly HashSet<byte[]> _delegatedSinceCommit = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], int> _ballotChecksSinceCommit = new(ByteKeyComparer.Instance);
    private PreparationForRoot? _preparation;
    private StateOverlay _overlay;
    private long _bytes;
    private long _commits;

    /// <param name="nextBlock">Height and time a new transaction would be judged at (the node's clock).</param>
    public Mempool(string chainId, RuleContext rules, IStateReader committed, Func<BlockContext> nextBlock, MempoolLimits limits)
    {
        _decoder = new TxDecoder(chainId, limits.MaxTxBytes);
        _rules = rules;
        _committed = new CommittedReadCache(committed);
        _nextBlock = nextBlock;
        _limits = limits;
        _refused = new RefusalCache(limits.RefusalCacheEntries);
        _overlay = new StateOverlay(_committed);
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

    /// <summary>Envelope bytes pending (the measure <see cref="MempoolLimits.MaxBytes"/> bounds).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// Every submission's outcomes, from clients, peers and the node's own trustee alike, once judged (after the pool's
    /// lock is released). Re-checks after a commit are not submissions and are not reported. Metrics count them here.
    /// </summary>
    public event Action<IReadOnlyList<SubmitOutcome>>? Judged;

    /// <summary>
    /// How many commits the pool has been told of: a passing refusal can turn into an acceptance only when this moves
    /// (or time passes the opening of an election), so gossip waits for it before offering the same bytes again.
    /// </summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Bytes of committed records the pool keeps (for tests).</summary>
    internal long CommittedBytesKept => _committed.Bytes;

    /// <summary>Signature verifications run for submitted envelopes (a repeat of a refused one runs none).</summary>
    public long SignatureChecks => _decoder.SignatureChecks;

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
            return _byId.GetValueOrDefault(txId)?.Value;
        }
    }

    public SubmitOutcome Submit(byte[] envelope) => SubmitMany([envelope])[0];

    /// <summary>
    /// Verifies the signatures of envelopes not decided already (each distinct one once, in parallel), then admits
    /// the envelopes one by one, in order.
    /// </summary>
    public IReadOnlyList<SubmitOutcome> SubmitMany(IReadOnlyList<byte[]> envelopes)
    {
        _committed.EnsureCurrent();
        var decoded = Decode(envelopes);
        var results = new SubmitOutcome[envelopes.Count];
        var block = _nextBlock();
        var overBudget = TakeBallotBudget(decoded);
        PrepareProofs(decoded, overBudget, block);
        KeyPreparation.Prepare(_rules, decoded.Where(d => d.IsOk).Select(d => d.Value!), AdmissionScheduler.Shared.Options);
        lock (_gate)
        {
            for (var i = 0; i < envelopes.Count; i++)
            {
                if (overBudget[i])
                {
                    results[i] = new SubmitOutcome(decoded[i].Value!.Id, new Rejection(RejectCode.RevoteTooSoon,
                        $"This credential already sent {BallotChecksPerCredentialPerBlock} encrypted ballots since the last block; send this one again after the next block."));
                    continue;
                }

                results[i] = decoded[i].IsOk ? Admit(decoded[i].Value!, block) : new SubmitOutcome(null, decoded[i].Rejection);
                if (decoded[i].IsOk && results[i].Rejection is { } refusal)
                {
                    if (refusal.Code == RejectCode.BadProof)
                    {
                        // A proof judged against a statement that never changes (the joint key, the credential's weight,
                        // the tally after the close): refused for its bytes, so a repeat costs a hash, not a verification.
                        _refused.Remember(decoded[i].Value!.Id, refusal);
                    }
                    else
                    {
                        // Refused by the rules, perhaps only for now: a repeat is judged again without a second verification.
                        _verifiedRefused.Remember(decoded[i].Value!);
                    }
                }
            }
        }

        Judged?.Invoke(results);
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
    public int OnCommitted(BlockWrite block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _committed.Committed(block.TxIds, block.Changes, block.StateRoot);
        return Recheck(block.TxIds);
    }

    /// <summary>
    /// <see cref="OnCommitted(BlockWrite)"/> without the block's state changes: everything read from the committed
    /// state before is read again.
    /// </summary>
    public int OnCommitted(IEnumerable<byte[]> includedTxIds)
    {
        _committed.Clear();
        return Recheck(includedTxIds);
    }

    private int Recheck(IEnumerable<byte[]> includedTxIds)
    {
        var included = new HashSet<byte[]>(includedTxIds, ByteKeyComparer.Instance);
        lock (_gate)
        {
            var survivors = _pending.Where(tx => !included.Contains(tx.Id)).ToList();
            _pending.Clear();
            _byId.Clear();
            _voteByCredential.Clear();
            _replacedSinceCommit.Clear();
            _delegatedSinceCommit.Clear();
            _ballotChecksSinceCommit.Clear();
            _bytes = 0;
            _overlay = new StateOverlay(_committed);
            var block = _nextBlock();
            foreach (var tx in survivors)
            {
                Admit(tx, block);
            }

            Interlocked.Increment(ref _commits);

            return survivors.Count - _pending.Count;
        }
    }

    /// <summary>
    /// Decodes each envelope, cheapest answer first: too large (a length compare), refused before or already pending
    /// (a hash), already included (a lookup), verified before but refused by the rules (a hash; the rules run again), a
    /// copy of an earlier one in this call (its answer), else the decoder, in parallel. What the decoder refuses is
    /// refused for its bytes, so it is remembered.
    /// </summary>
    private Outcome<VerifiedTx>[] Decode(IReadOnlyList<byte[]> envelopes)
    {
        var decoded = new Outcome<VerifiedTx>[envelopes.Count];
        var copyOf = new int[envelopes.Count];
        var first = new Dictionary<byte[], int>(ByteKeyComparer.Instance);
        var toDecode = new List<(int Index, byte[] Hash)>();
        for (var i = 0; i < envelopes.Count; i++)
        {
            copyOf[i] = -1;
            if (envelopes[i].Length > _limits.MaxTxBytes)
            {
                decoded[i] = _decoder.Decode(envelopes[i]); // refused by its length, before any parsing
                continue;
            }

            var hash = Hashing.Sha256(envelopes[i]);
            if (_refused.Find(hash) is { } refused)
            {
                decoded[i] = refused;
            }
            else if (Contains(hash))
            {
                decoded[i] = new Rejection(RejectCode.DuplicateTransaction, "This transaction is already pending.");
            }
            else if (_committed.HasTransactionUnkept(hash))
            {
                // A replayed committed transaction has a valid signature: refuse it before verifying it again.
                decoded[i] = new Rejection(RejectCode.DuplicateTransaction, "This transaction has already been included.");
            }
            else if (_verifiedRefused.Find(hash) is { } verified)
            {
                decoded[i] = verified;
            }
            else if (first.TryGetValue(hash, out var earlier))
            {
                copyOf[i] = earlier;
            }
            else
            {
                first[hash] = i;
                toDecode.Add((i, hash));
            }
        }

        AdmissionScheduler.Shared.ForEach(toDecode, item => decoded[item.Index] = _decoder.Decode(envelopes[item.Index]));
        foreach (var (index, hash) in toDecode)
        {
            if (decoded[index].Rejection is { } rejection)
            {
                _refused.Remember(hash, rejection);
            }
        }

        for (var i = 0; i < envelopes.Count; i++)
        {
            if (copyOf[i] >= 0)
            {
                decoded[i] = decoded[copyOf[i]];
            }
        }

        return decoded;
    }

    private SubmitOutcome Admit(VerifiedTx tx, BlockContext block)
    {
        if (_byId.ContainsKey(tx.Id))
        {
            return new SubmitOutcome(tx.Id, new Rejection(RejectCode.DuplicateTransaction, "This transaction is already pending."));
        }

        var credential = CredentialKeys.PendingVote(tx);
        var replaced = credential is null ? null : _voteByCredential.GetValueOrDefault(credential);
        var count = _pending.Count - (replaced is null ? 0 : 1);
        var bytes = _bytes - (replaced?.Value.EnvelopeBytes.Length ?? 0);
        if (count >= _limits.MaxTransactions || bytes + tx.EnvelopeBytes.Length > _limits.MaxBytes)
        {
            return new SubmitOutcome(tx.Id, new Rejection(RejectCode.MempoolFull,
                "The node's pool of pending transactions is full; try again shortly."));
        }

        // Checked over everything pending, the credential's pending vote included: a revote is accepted only where
        // the rules would count it after that vote (revoting allowed, higher sequence), so dropping the vote leaves
        // the same state. The vote only ever mattered to its own credential, so the rest stays valid in order.
        if (replaced is not null && _replacedSinceCommit.Contains(credential!))
        {
            return new SubmitOutcome(tx.Id, TooSoon(tx, block, RejectCode.RevoteTooSoon,
                "This credential already replaced its pending vote since the last block; send the revote again after the next block."));
        }

        var holder = CredentialKeys.DelegatingHolder(tx);
        if (holder is not null && _delegatedSinceCommit.Contains(holder))
        {
            return new SubmitOutcome(tx.Id, TooSoon(tx, block, RejectCode.DelegationTooSoon,
                "This credential already changed its proxy since the last block; send the change again after the next block."));
        }

        if (TxRules.Apply(_overlay, _rules, block, tx) is { } rejection)
        {
            return new SubmitOutcome(tx.Id, rejection);
        }

        if (replaced is not null)
        {
            Remove(replaced);
            _replacedSinceCommit.Add(credential!);
        }

        if (holder is not null)
        {
            _delegatedSinceCommit.Add(holder);
        }

        var node = _pending.AddLast(tx);
        _byId[tx.Id] = node;
        if (credential is not null)
        {
            _voteByCredential[credential] = node;
        }

        _bytes += tx.EnvelopeBytes.Length;
        return new SubmitOutcome(tx.Id, null) { IsNew = true, Replaced = replaced?.Value.Id };
    }

    /// <summary>
    /// A change made a second time before the next commit: a revote replacing a pending vote, or a holder's new proxy.
    /// Each is a valid, distinct transaction that every node verifies and gossips, yet only one per block can matter:
    /// without the limit one registered voter could mint an endless stream of them. The rules still speak first (on a
    /// scratch overlay, as the mempool's own takes no undo), so a change they refuse for good keeps its final code; only
    /// one they would accept waits, with the passing <paramref name="code"/>.
    /// </summary>
    private Rejection TooSoon(VerifiedTx tx, BlockContext block, RejectCode code, string sentence) =>
        TxRules.Apply(new StateOverlay(_overlay), _rules, block, tx) ?? new Rejection(code, sentence);

    private void Remove(LinkedListNode<VerifiedTx> node)
    {
        _pending.Remove(node);
        _byId.Remove(node.Value.Id);
        _overlay.ForgetTransaction(node.Value.Id);
        _bytes -= node.Value.EnvelopeBytes.Length;
    }
}
