using VoteChain.Protos.V1;
using VoteChain.Storage;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Node.Trustee;

/// <summary>
/// The trustee loop's chain inside a node: committed state from the node's store, submission into its mempool
/// through the same entry the API's SubmitTransaction uses (then gossiped on like a client's transaction).
/// </summary>
internal sealed class NodeTrusteeChain : ITrusteeChain
{
    private const int ReadAttempts = 3;

    private readonly ChainStore _store;
    private readonly MempoolPool _mempool;
    private readonly Action<byte[], byte[]> _onAccepted;

    /// <param name="onAccepted">Called with each envelope the mempool took as new and its id: the node gossips it.</param>
    public NodeTrusteeChain(string chainId, byte[] genesisHash, ChainStore store, MempoolPool mempool, Action<byte[], byte[]> onAccepted)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mempool);
        ArgumentNullException.ThrowIfNull(onAccepted);
        ChainId = chainId;
        GenesisHash = genesisHash;
        _store = store;
        _mempool = mempool;
        _onAccepted = onAccepted;
    }

    public string ChainId { get; }

    public byte[] GenesisHash { get; }

    public IReadOnlyList<ElectionRecord> Elections() => Guard(_store.Elections);

    public TrusteeElectionState? Read(string electionId) => Guard(() => AtOneHeight(() => _store.Height, () =>
        _store.GetElection(electionId) is { } election
            ? new TrusteeElectionState(election, _store.GetSecret(electionId), _store.GetTally(electionId) ?? new TallyRecord(),
                _store.BlockTimeUnixMs(_store.Height))
            : null,
        $"election '{electionId}'"));

    /// <summary>
    /// The records are read one by one; a block committed in between would mix two heights (say a tally with a ballot
    /// the head time does not cover), so the read is repeated until the height held still across it (blocks are
    /// seconds apart, so this rarely loops). Never a mixed read: after the last attempt it throws one line, and the
    /// loop tries again on its next pass.
    /// </summary>
    internal static T AtOneHeight<T>(Func<ulong> height, Func<T> read, string what)
    {
        for (var attempt = 0; attempt < ReadAttempts; attempt++)
        {
            var before = height();
            var value = read();
            if (height() == before)
            {
                return value;
            }
        }

        throw new UserInputException($"{what} changed height during each of {ReadAttempts} reads; trying again next pass.");
    }

    public TrusteeSubmission Submit(byte[] envelope)
    {
        var outcome = _mempool.Submit(envelope);
        if (outcome.Rejection is { } rejection)
        {
            return TrusteeSubmission.Refused(rejection.CodeName, rejection.Message);
        }

        if (outcome.IsNew)
        {
            _onAccepted(envelope, outcome.TxId!);
        }

        return TrusteeSubmission.Ok(outcome.TxId!);
    }

    public TrusteeTxStatus Status(byte[] txId)
    {
        // The mempool is asked first: a commit writes the store before it clears the mempool, so a transaction
        // missing from both was dropped, never committed in between.
        if (_mempool.Contains(txId))
        {
            return TrusteeTxStatus.Pending;
        }

        return Guard(() => _store.HasTransaction(txId)) ? TrusteeTxStatus.Committed : TrusteeTxStatus.Dropped;
    }

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (StorageException e)
        {
            throw new UserInputException($"cannot read the chain: {e.Message}", e);
        }
    }
}
