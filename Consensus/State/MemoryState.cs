using VoteChain.Consensus.Chain;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.State;

/// <summary>
/// Committed state held in memory: for the consensus simulator, benchmarks, the offline audit and tests.
/// It stores serialized records exactly as Storage does, so both give back fresh objects on every read, and keeps the
/// state tree's newest version only (older ones are pruned as each block commits: nothing here proves the past).
/// </summary>
public sealed class MemoryState : ICommittedState
{
    private readonly Dictionary<byte[], byte[]>[] _columns;
    private readonly HashSet<byte[]> _transactions = new(ByteKeyComparer.Instance);
    private readonly MemoryTreeNodeStore _tree = new();

    /// <param name="genesisHash">The chain's genesis; the state starts empty whatever it is (the genesis file's own
    /// settings are read from it, not from state), so it only documents which chain this state belongs to.</param>
    public MemoryState(byte[] genesisHash)
    {
        ArgumentNullException.ThrowIfNull(genesisHash);
        StateRoot = StateTree.EmptyRoot.ToArray();
        _columns = new Dictionary<byte[], byte[]>[Enum.GetValues<StateColumn>().Max(c => (int)c) + 1];
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = new Dictionary<byte[], byte[]>(ByteKeyComparer.Instance);
        }
    }

    public byte[] StateRoot { get; private set; }

    public ulong Height { get; private set; }

    public ElectionRecord? GetElection(string electionId) =>
        Read(StateColumn.Elections, StateKeys.Election(electionId), ElectionRecord.Parser);

    public CredentialRecord? GetCredential(string electionId, ReadOnlySpan<byte> credential) =>
        Read(StateColumn.Credentials, StateKeys.Credential(electionId, credential), CredentialRecord.Parser);

    public BallotRecord? GetBallot(string electionId, ReadOnlySpan<byte> credential) =>
        Read(StateColumn.Ballots, StateKeys.Credential(electionId, credential), BallotRecord.Parser);

    public TallyRecord? GetTally(string electionId) =>
        Read(StateColumn.Tallies, StateKeys.Tally(electionId), TallyRecord.Parser);

    public SecretRecord? GetSecret(string electionId) =>
        Read(StateColumn.Secrets, StateKeys.Secret(electionId), SecretRecord.Parser);

    public IssuanceRecord? GetIssuance(string electionId, ulong weight) =>
        Read(StateColumn.Issuance, StateKeys.Issuance(electionId, weight), IssuanceRecord.Parser);

    public IssuerKeyRecord? GetIssuerKey(ReadOnlySpan<byte> keyDer) =>
        Read(StateColumn.IssuerKeys, StateKeys.IssuerKey(keyDer), IssuerKeyRecord.Parser);

    public GovernanceRecord? GetGovernance(ReadOnlySpan<byte> key) =>
        Read(StateColumn.Governance, key.ToArray(), GovernanceRecord.Parser);

    public bool HasTransaction(ReadOnlySpan<byte> txId) => _transactions.Contains(txId.ToArray());

    public byte[]? Get(ReadOnlySpan<byte> nodeKey) => _tree.Get(nodeKey);

    /// <summary>Applies a committed block's writes, as Storage does in its write batch.</summary>
    public void Apply(BlockWrite commit)
    {
        if (commit.Height != Height + 1)
        {
            throw new InvalidOperationException($"Block {commit.Height} cannot follow height {Height}.");
        }

        if (commit.Tree is not { } tree || tree.Version != commit.Height || !tree.NewRoot.AsSpan().SequenceEqual(commit.StateRoot))
        {
            throw new InvalidOperationException($"Block {commit.Height} does not carry the state tree of its state root.");
        }

        _tree.Commit(tree);
        _tree.Prune(commit.Height);

        foreach (var change in commit.Changes)
        {
            _columns[(int)change.Column][change.Key] = change.Value;
        }

        foreach (var txId in commit.TxIds)
        {
            _transactions.Add(txId);
        }

        Height = commit.Height;
        StateRoot = commit.StateRoot;
    }

    /// <summary>Every (key, serialized record) of one column, for recounts and audits.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries(StateColumn column) => _columns[(int)column];

    private T? Read<T>(StateColumn column, byte[] key, Google.Protobuf.MessageParser<T> parser)
        where T : Google.Protobuf.IMessage<T> =>
        _columns[(int)column].TryGetValue(key, out var bytes) ? parser.ParseFrom(bytes) : default;
}
