using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Mempool;

/// <summary>
/// The committed state as the mempool reads it: each election, credential, ballot and tally record and each transaction
/// id read once from the store (a RocksDB lookup and a parse),
/// then from memory until a block changes it. After every commit the mempool judges all its pending transactions again,
/// and without this each judgement went back to the store for the same election, credential, ballot and tally records:
/// with many transactions waiting that was the largest cost after signature checks (docs/PERFORMANCE.md, profile 2).
/// </summary>
/// <remarks>
/// Kept true by <see cref="Committed"/>, which drops every key a block changed and marks its transactions included.
/// A store that moved without it (a root the cache was not told of) empties the cache at the next
/// <see cref="EnsureCurrent"/>. A read that raced a commit is not kept (a generation count). Records handed out are
/// shared: the rules never change a record they read (they clone first), as <see cref="StateOverlay"/> already
/// requires. Bounded in bytes (<see cref="MaxBytes"/>, keys and records as serialized plus an allowance per entry;
/// emptied when full); a key longer than any honest one (an election id is at most 64 characters) is never kept, and
/// transaction ids are kept only as the rules ask for them, not for every envelope that arrives (review findings:
/// signed junk with 250 KiB election ids, or unverified envelopes, would otherwise fill it).
/// </remarks>
internal sealed class CommittedReadCache : IStateReader
{
    /// <summary>The serialized keys and records kept, with <see cref="EntryAllowance"/> each: about twice that in memory.</summary>
    public const long MaxBytes = 48L * 1024 * 1024;

    /// <summary>What an entry costs beyond its bytes (objects, the table's slot), counted against <see cref="MaxBytes"/>.</summary>
    private const int EntryAllowance = 96;

    /// <summary>Longer keys are not kept: an election id (64 characters at most) and a 32-byte credential, with room.</summary>
    private const int MaxKeyBytes = 256;

    private static readonly int Columns = Enum.GetValues<StateColumn>().Max(c => (int)c) + 1;

    private readonly IStateReader _store;
    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], IMessage?>[] _records;
    private readonly Dictionary<byte[], bool> _transactions = new(ByteKeyComparer.Instance);
    private byte[] _root;
    private long _generation;
    private long _bytes;

    public CommittedReadCache(IStateReader store)
    {
        _store = store;
        _records = new Dictionary<byte[], IMessage?>[Columns];
        for (var i = 0; i < Columns; i++)
        {
            _records[i] = new Dictionary<byte[], IMessage?>(ByteKeyComparer.Instance);
        }

        _root = store.StateRoot;
    }

    public byte[] StateRoot => _store.StateRoot;

    /// <summary>Bytes counted against <see cref="MaxBytes"/> now (for tests).</summary>
    internal long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public ElectionRecord? GetElection(string electionId) =>
        Read(StateColumn.Elections, StateKeys.Election(electionId), () => _store.GetElection(electionId));

    public CredentialRecord? GetCredential(string electionId, ReadOnlySpan<byte> credential)
    {
        var key = credential.ToArray();
        return Read(StateColumn.Credentials, StateKeys.Credential(electionId, key), () => _store.GetCredential(electionId, key));
    }

    public BallotRecord? GetBallot(string electionId, ReadOnlySpan<byte> credential)
    {
        var key = credential.ToArray();
        return Read(StateColumn.Ballots, StateKeys.Credential(electionId, key), () => _store.GetBallot(electionId, key));
    }

    public TallyRecord? GetTally(string electionId) =>
        Read(StateColumn.Tallies, StateKeys.Tally(electionId), () => _store.GetTally(electionId));

    // The records of secret elections, issuance and issuer keys are read straight from the store: rare next to votes,
    // and their rules keep caches of their own (key generation status, proof preparation).
    public SecretRecord? GetSecret(string electionId) => _store.GetSecret(electionId);

    public IssuanceRecord? GetIssuance(string electionId, ulong weight) => _store.GetIssuance(electionId, weight);

    public IssuerKeyRecord? GetIssuerKey(ReadOnlySpan<byte> keyDer) => _store.GetIssuerKey(keyDer);

    /// <summary>Not cached: governance records are read rarely (a governance transaction, a check of who is an authority).</summary>
    public GovernanceRecord? GetGovernance(ReadOnlySpan<byte> key) => _store.GetGovernance(key);

    public bool HasTransaction(ReadOnlySpan<byte> txId)
    {
        var id = txId.ToArray();
        long generation;
        lock (_gate)
        {
            if (_transactions.TryGetValue(id, out var known))
            {
                return known;
            }

            generation = _generation;
        }

        var found = _store.HasTransaction(id);
        lock (_gate)
        {
            if (generation == _generation && Room(id.Length + EntryAllowance) && _transactions.TryAdd(id, found))
            {
                _bytes += id.Length + EntryAllowance;
            }
        }

        return found;
    }

    /// <summary>As <see cref="HasTransaction"/>, keeping nothing: for envelopes not yet verified.</summary>
    public bool HasTransactionUnkept(ReadOnlySpan<byte> txId)
    {
        lock (_gate)
        {
            if (_transactions.TryGetValue(txId.ToArray(), out var known))
            {
                return known;
            }
        }

        return _store.HasTransaction(txId);
    }

    /// <summary>Empties the cache if the store moved to a state it was not told of.</summary>
    public void EnsureCurrent()
    {
        lock (_gate)
        {
            // Read under the lock: a root read before a racing commit set the new one would empty the cache for nothing.
            var root = _store.StateRoot;
            if (!root.AsSpan().SequenceEqual(_root))
            {
                ClearLocked();
                _root = root;
            }
        }
    }

    /// <summary>A block committed: its changed keys are read again from the store, its transactions are included.</summary>
    public void Committed(IReadOnlyList<byte[]> txIds, IReadOnlyList<StateChange> changes, byte[] stateRoot)
    {
        lock (_gate)
        {
            _generation++;
            foreach (var change in changes)
            {
                if (_records[(int)change.Column].Remove(change.Key, out var dropped))
                {
                    _bytes -= Cost(change.Key, dropped);
                }
            }

            foreach (var id in txIds)
            {
                if (_transactions.ContainsKey(id))
                {
                    _transactions[id] = true;
                }
            }

            _root = stateRoot;
        }

        EnsureCurrent();
    }

    /// <summary>Forgets everything (a commit the mempool was told of without its changes).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            ClearLocked();
            _root = _store.StateRoot;
        }
    }

    private T? Read<T>(StateColumn column, byte[] key, Func<T?> load)
        where T : class, IMessage
    {
        var records = _records[(int)column];
        long generation;
        lock (_gate)
        {
            if (records.TryGetValue(key, out var known))
            {
                return (T?)known;
            }

            generation = _generation;
        }

        var record = load();
        if (key.Length > MaxKeyBytes)
        {
            return record;
        }

        var cost = Cost(key, record);
        lock (_gate)
        {
            if (generation == _generation && Room(cost) && records.TryAdd(key, record))
            {
                _bytes += cost;
            }
        }

        return record;
    }

    private static long Cost(byte[] key, IMessage? record) => key.Length + (record?.CalculateSize() ?? 0) + EntryAllowance;

    /// <summary>Room for <paramref name="cost"/> more bytes, after emptying the cache if there was none.</summary>
    private bool Room(long cost)
    {
        if (_bytes + cost > MaxBytes)
        {
            ClearLocked();
        }

        return cost <= MaxBytes;
    }

    private void ClearLocked()
    {
        foreach (var column in _records)
        {
            column.Clear();
        }

        _transactions.Clear();
        _bytes = 0;
        _generation++;
    }
}
