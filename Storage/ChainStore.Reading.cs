using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Storage;

/// <summary>The read side: state records, blocks and the transaction index.</summary>
public sealed partial class ChainStore
{
    public ElectionRecord? GetElection(string electionId) =>
        ReadRecord(StoreColumn.Elections, StateKeys.Election(electionId), ElectionRecord.Parser);

    public CredentialRecord? GetCredential(string electionId, ReadOnlySpan<byte> credential) =>
        ReadRecord(StoreColumn.Credentials, StateKeys.Credential(electionId, credential), CredentialRecord.Parser);

    public BallotRecord? GetBallot(string electionId, ReadOnlySpan<byte> credential) =>
        ReadRecord(StoreColumn.Ballots, StateKeys.Credential(electionId, credential), BallotRecord.Parser);

    public TallyRecord? GetTally(string electionId) =>
        ReadRecord(StoreColumn.Tallies, StateKeys.Tally(electionId), TallyRecord.Parser);

    public SecretRecord? GetSecret(string electionId) =>
        ReadRecord(StoreColumn.Secrets, StateKeys.Secret(electionId), SecretRecord.Parser);

    public IssuanceRecord? GetIssuance(string electionId, ulong weight) =>
        ReadRecord(StoreColumn.Issuance, StateKeys.Issuance(electionId, weight), IssuanceRecord.Parser);

    public IssuerKeyRecord? GetIssuerKey(ReadOnlySpan<byte> keyDer) =>
        ReadRecord(StoreColumn.IssuerKeys, StateKeys.IssuerKey(keyDer), IssuerKeyRecord.Parser);

    public GovernanceRecord? GetGovernance(ReadOnlySpan<byte> key) =>
        ReadRecord(StoreColumn.Governance, key.ToArray(), GovernanceRecord.Parser);

    /// <summary>Block time of the committed block at <paramref name="height"/>; 0 for genesis (height 0).</summary>
    public long BlockTimeUnixMs(ulong height)
    {
        if (height == 0)
        {
            return 0;
        }

        var bytes = GetBlockBytes(height) ?? throw StorageErrors.Corrupt(Folder, $"there is no block at height {height}");
        var parsed = Consensus.Chain.BlockCodec.Parse(bytes);
        return parsed.IsOk
            ? parsed.Value!.Header.TimeUnixMs
            : throw StorageErrors.Corrupt(Folder, $"the block at height {height} does not parse");
    }

    public bool HasTransaction(ReadOnlySpan<byte> txId) => _db.Get(StoreColumn.TxIndex, txId) is not null;

    public TxLocation? GetTxLocation(ReadOnlySpan<byte> txId) =>
        ReadRecord(StoreColumn.TxIndex, txId, TxLocation.Parser);

    public byte[]? GetBlockBytes(ulong height)
    {
        // Height 0 is genesis, which has no block; anything above the head is not committed yet; below the oldest block, a
        // node started from a snapshot holds none.
        if (height == 0 || height < OldestBlock || height > _head.Height)
        {
            return null;
        }

        var hash = _db.Get(StoreColumn.HeightIndex, MetaKeys.Height(height))
            ?? throw StorageErrors.Corrupt(Folder, $"the height index has no block at height {height}");
        return _db.Get(StoreColumn.Blocks, hash)
            ?? throw StorageErrors.Corrupt(Folder, $"the block at height {height} is indexed but missing");
    }

    public byte[]? GetBlockBytes(ReadOnlySpan<byte> blockHash) => _db.Get(StoreColumn.Blocks, blockHash);

    /// <summary>The sign-state an older node kept in the database (now it has a file of its own), or null.</summary>
    internal byte[]? ReadLegacySignState() => _db.Get(StoreColumn.SignState, MetaKeys.SignState);

    private T? ReadRecord<T>(StoreColumn column, ReadOnlySpan<byte> key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var bytes = _db.Get(column, key);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw StorageErrors.Corrupt(
                Folder, $"the {StoreColumns.Name(column)} record at key {Convert.ToHexStringLower(key)} does not parse", e);
        }
    }
}
