using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Audit;
using VoteChain.Consensus.State;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Verify;
using VoteChain.Protos.V1;
using GenesisHashOf = VoteChain.Consensus.Genesis.GenesisHash;

namespace VoteChain.Node.Trustee;

/// <summary>
/// The trustee loop's chain for <c>votechain trustee run</c>: the node's blocks replayed here from the genesis file
/// by <see cref="ChainAuditor"/> (certificates against the validators in force at each height, block validity, every
/// rule), and every read served from that verified state, never from the node's word. A lying node could otherwise put a victim's
/// ballot in the "tally" and backdate the close, and the trustee would sign a decryption share of that one ballot;
/// now the worst it can do is withhold or delay blocks and submissions. The node is used for blocks
/// (<see cref="CatchUp"/>, one StreamBlocks call per catch-up, from the next height) and to submit.
/// Not thread-safe: <see cref="CatchUp"/> runs between the loop's passes, never during one.
/// </summary>
internal sealed class VerifiedApiTrusteeChain : ITrusteeChain
{
    private readonly NodeClient _client;
    private readonly ChainAuditor _auditor;

    private VerifiedApiTrusteeChain(NodeClient client, Protos.V1.Genesis genesis)
    {
        _client = client;
        _auditor = new ChainAuditor(genesis, (count, body) => Parallel.For(0, count, body));
        ChainId = genesis.ChainId;
        GenesisHash = GenesisHashOf.Of(genesis);
    }

    /// <summary>From the genesis file, never from the node.</summary>
    public string ChainId { get; }

    /// <summary>From the genesis file, never from the node.</summary>
    public byte[] GenesisHash { get; }

    /// <summary>Height of the last verified block.</summary>
    public ulong Height => _auditor.Height;

    /// <summary>The first block that failed verification, starting with its height; once set, the trustee must stop.</summary>
    public string? Failure => _auditor.Failure;

    /// <summary>
    /// Checks that the node serves the genesis file's chain (a clear line for the operator who pointed at the wrong
    /// node; the replay would refuse its first block anyway). Verifies nothing yet: see <see cref="CatchUp"/>.
    /// </summary>
    /// <exception cref="UserInputException">The node cannot be reached or serves another chain.</exception>
    public static VerifiedApiTrusteeChain Connect(NodeClient client, Protos.V1.Genesis genesis)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(genesis);
        var chain = new VerifiedApiTrusteeChain(client, genesis);
        var status = chain.NodeStatus();
        if (status.ChainId != chain.ChainId || !status.GenesisHash.Span.SequenceEqual(chain.GenesisHash))
        {
            throw new UserInputException($"the node at {client.Url} serves chain {status.ChainId} with genesis hash "
                + $"{Convert.ToHexStringLower(status.GenesisHash.Span)}, not chain {chain.ChainId} of the genesis file "
                + $"({Convert.ToHexStringLower(chain.GenesisHash)})");
        }

        return chain;
    }

    /// <summary>
    /// Downloads and verifies the blocks from the next height up to the head the node reports now, applying each to
    /// the kept state. <paramref name="progress"/> gets (verified height, target) after each block.
    /// </summary>
    /// <exception cref="UserInputException">A block failed verification (<see cref="Failure"/> is then set and the
    /// trustee must stop), or the node could not be read (a later catch-up may succeed).</exception>
    public void CatchUp(Action<ulong, ulong> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (Failure is not null)
        {
            throw Unverified(Failure);
        }

        var target = NodeStatus().Height;
        var problems = ChainDownload.To(_client, _auditor, target, height => progress(height, target));
        if (problems.Count > 0)
        {
            throw Unverified(problems[0]);
        }
    }

    public IReadOnlyList<ElectionRecord> Elections() =>
        [.. State.Entries(StateColumn.Elections).Select(e => ElectionRecord.Parser.ParseFrom(e.Value))
            .OrderBy(e => e.Definition.ElectionId, StringComparer.Ordinal)];

    public TrusteeElectionState? Read(string electionId) =>
        State.GetElection(electionId) is { } election
            ? new TrusteeElectionState(election, State.GetSecret(electionId), State.GetTally(electionId) ?? new TallyRecord(), _auditor.HeadTimeUnixMs)
            : null;

    public TrusteeSubmission Submit(byte[] envelope)
    {
        try
        {
            var request = new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) };
            return TrusteeSubmission.Ok(_client.Api.SubmitTransaction(request, deadline: NodeClient.Deadline()).TxId.ToByteArray());
        }
        catch (RpcException e) when (NodeClient.Reason(e) is { } code)
        {
            return TrusteeSubmission.Refused(code, e.Status.Detail);
        }
        catch (RpcException e)
        {
            throw _client.Explain(e, "submission");
        }
    }

    /// <summary>
    /// Committed once a verified block holds it. The node's mempool cannot be seen (nor its receipts trusted), so
    /// anything else is Unknown: the loop holds the step back a while, then plans again from the verified state.
    /// </summary>
    public TrusteeTxStatus Status(byte[] txId) =>
        State.HasTransaction(txId) ? TrusteeTxStatus.Committed : TrusteeTxStatus.Unknown;

    private MemoryState State => _auditor.State;

    private NodeStatus NodeStatus() =>
        _client.Call(api => api.GetStatusAsync(new GetStatusRequest(), deadline: NodeClient.Deadline()), "status");

    private UserInputException Unverified(string problem) =>
        new($"the chain served by {_client.Url} does not verify at {problem}; the trustee acts only on a verified chain, so it stops");
}
