using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.State;

/// <summary>
/// Pending writes layered over committed state: the rules read through it and write into it while a block (or
/// a mempool candidate) is applied, and nothing reaches the committed state until the block commits.
/// Records written here must not be mutated afterwards; the rules clone before they change anything.
/// </summary>
public sealed class StateOverlay : IStateReader
{
    private readonly IStateReader _committed;
    private readonly Dictionary<byte[], IMessage>[] _pending;
    private readonly HashSet<byte[]> _transactions = new(ByteKeyComparer.Instance);
    private readonly Dictionary<string, ElectionRecord> _committedElections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] CommittedRoot, Secret.KeyGenerationStatus Status)> _keyStatus = new(StringComparer.Ordinal);

    public StateOverlay(IStateReader committed)
    {
        _committed = committed;
        _pending = new Dictionary<byte[], IMessage>[Enum.GetValues<StateColumn>().Max(c => (int)c) + 1];
        for (var i = 0; i < _pending.Length; i++)
        {
            _pending[i] = new Dictionary<byte[], IMessage>(ByteKeyComparer.Instance);
        }
    }

    public byte[] StateRoot => _committed.StateRoot;

    /// <summary>
    /// Every vote reads its election: committed election records are read and parsed once per overlay (a block), not
    /// once per vote (5 % of a syncing observer's consensus thread before). Safe because an election record is written
    /// once, when the election is created (<c>ElectionRules</c>), and never changed after: a record read here is the one
    /// any later committed state holds, and an election not found is not remembered. A pending write is looked at
    /// first. If election records ever become mutable, this must be keyed by the committed state root, as the key
    /// status memo below is.
    /// </summary>
    public ElectionRecord? GetElection(string electionId)
    {
        if (Pending<ElectionRecord>(StateColumn.Elections, StateKeys.Election(electionId), out var record))
        {
            return record;
        }

        if (!_committedElections.TryGetValue(electionId, out var committed))
        {
            committed = _committed.GetElection(electionId);
            if (committed is not null)
            {
                _committedElections[electionId] = committed;
            }
        }

        return committed;
    }

    public CredentialRecord? GetCredential(string electionId, ReadOnlySpan<byte> credential) =>
        Pending<CredentialRecord>(StateColumn.Credentials, StateKeys.Credential(electionId, credential), out var record)
            ? record
            : _committed.GetCredential(electionId, credential);

    public BallotRecord? GetBallot(string electionId, ReadOnlySpan<byte> credential) =>
        Pending<BallotRecord>(StateColumn.Ballots, StateKeys.Credential(electionId, credential), out var record)
            ? record
            : _committed.GetBallot(electionId, credential);

    public TallyRecord? GetTally(string electionId) =>
        Pending<TallyRecord>(StateColumn.Tallies, StateKeys.Tally(electionId), out var record)
            ? record
            : _committed.GetTally(electionId);

    public SecretRecord? GetSecret(string electionId) =>
        Pending<SecretRecord>(StateColumn.Secrets, StateKeys.Secret(electionId), out var record)
            ? record
            : _committed.GetSecret(electionId);

    public IssuanceRecord? GetIssuance(string electionId, ulong weight) =>
        Pending<IssuanceRecord>(StateColumn.Issuance, StateKeys.Issuance(electionId, weight), out var record)
            ? record
            : _committed.GetIssuance(electionId, weight);

    public IssuerKeyRecord? GetIssuerKey(ReadOnlySpan<byte> keyDer) =>
        Pending<IssuerKeyRecord>(StateColumn.IssuerKeys, StateKeys.IssuerKey(keyDer), out var record)
            ? record
            : _committed.GetIssuerKey(keyDer);

    public GovernanceRecord? GetGovernance(ReadOnlySpan<byte> key) =>
        Pending<GovernanceRecord>(StateColumn.Governance, key.ToArray(), out var record)
            ? record
            : _committed.GetGovernance(key);

    public bool HasTransaction(ReadOnlySpan<byte> txId) =>
        _transactions.Contains(txId.ToArray()) || _committed.HasTransaction(txId);

    public void PutElection(string electionId, ElectionRecord record) =>
        _pending[(int)StateColumn.Elections][StateKeys.Election(electionId)] = record;

    public void PutCredential(string electionId, ReadOnlySpan<byte> credential, CredentialRecord record) =>
        _pending[(int)StateColumn.Credentials][StateKeys.Credential(electionId, credential)] = record;

    public void PutBallot(string electionId, ReadOnlySpan<byte> credential, BallotRecord record) =>
        _pending[(int)StateColumn.Ballots][StateKeys.Credential(electionId, credential)] = record;

    public void PutTally(string electionId, TallyRecord record) =>
        _pending[(int)StateColumn.Tallies][StateKeys.Tally(electionId)] = record;

    public void PutSecret(string electionId, SecretRecord record)
    {
        _pending[(int)StateColumn.Secrets][StateKeys.Secret(electionId)] = record;
        _keyStatus.Remove(electionId);
    }

    public void PutIssuance(string electionId, IssuanceRecord record) =>
        _pending[(int)StateColumn.Issuance][StateKeys.Issuance(electionId, record.Weight)] = record;

    public void PutIssuerKey(ReadOnlySpan<byte> keyDer, IssuerKeyRecord record) =>
        _pending[(int)StateColumn.IssuerKeys][StateKeys.IssuerKey(keyDer)] = record;

    public void PutGovernance(byte[] key, GovernanceRecord record) =>
        _pending[(int)StateColumn.Governance][key] = record;

    /// <summary>
    /// A key generation status remembered for this overlay (see <see cref="Secret.KeyGenerationStatus.In"/>), or null
    /// when none is, or when the committed state under the overlay has changed since (the mempool's overlay outlives a
    /// commit until it is rebuilt).
    /// </summary>
    internal Secret.KeyGenerationStatus? RememberedKeyStatus(string electionId) =>
        _keyStatus.TryGetValue(electionId, out var known) && known.CommittedRoot.AsSpan().SequenceEqual(_committed.StateRoot)
            ? known.Status
            : null;

    internal void RememberKeyStatus(string electionId, Secret.KeyGenerationStatus status) =>
        _keyStatus[electionId] = (_committed.StateRoot, status);

    public void AddTransaction(byte[] txId) => _transactions.Add(txId);

    /// <summary>
    /// Forgets a pending transaction's id, for the mempool when a revote replaces a pending vote: the revote's own
    /// writes already supersede the vote's, so only its id is left to drop.
    /// </summary>
    public void ForgetTransaction(byte[] txId) => _transactions.Remove(txId);

    /// <summary>The pending writes as serialized changes, in canonical order.</summary>
    public List<StateChange> Changes()
    {
        var changes = new List<StateChange>();
        foreach (var column in Enum.GetValues<StateColumn>())
        {
            foreach (var (key, record) in _pending[(int)column])
            {
                changes.Add(new StateChange(column, key, record.ToByteArray()));
            }
        }

        changes.Sort(StateChangeOrder.Instance);
        return changes;
    }

    private bool Pending<T>(StateColumn column, byte[] key, out T? record)
        where T : class, IMessage
    {
        var found = _pending[(int)column].TryGetValue(key, out var message);
        record = found ? (T)message! : null;
        return found;
    }
}
