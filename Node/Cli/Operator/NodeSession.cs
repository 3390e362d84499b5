using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// What the operator commands do with a node: read, sign for its chain and submit. The chain id is asked of the
/// node once, so a transaction is always signed for the chain it is sent to.
/// </summary>
internal sealed class NodeSession : IDisposable
{
    private string? _chainId;

    public NodeSession(string url, ClientTls tls) => Client = new NodeClient(url, tls);

    public NodeClient Client { get; }

    public string ChainId => _chainId ??= Status().ChainId;

    public NodeStatus Status() =>
        Client.Call(api => api.GetStatusAsync(new GetStatusRequest(), deadline: NodeClient.Deadline()), "status");

    public byte[] Sign(ISigner signer, TxPayload payload)
    {
        payload.ChainId = ChainId;
        return TxSigning.Sign(signer, payload);
    }

    /// <summary>Signs and submits one transaction; returns its id. A refusal is the rule's one-line error.</summary>
    public byte[] Submit(ISigner signer, TxPayload payload, string what)
    {
        var request = new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(Sign(signer, payload)) };
        return Client.Call(api => api.SubmitTransactionAsync(request, deadline: NodeClient.Deadline()), what).TxId.ToByteArray();
    }

    /// <summary>
    /// A read about one election. The API answers an unknown election with a plain NotFound (no rule code); the
    /// operator gets the same UNKNOWN_ELECTION code a transaction for it would get, so scripts check one name.
    /// </summary>
    public T ElectionCall<T>(Func<VoteChainApi.VoteChainApiClient, AsyncUnaryCall<T>> call, string what)
        where T : class =>
        Read(call, what, e => throw new UserInputException($"{what} refused: UNKNOWN_ELECTION: {e.Status.Detail}"))!;

    /// <summary>The election, or null while it is not (yet) committed.</summary>
    public ElectionRecord? FindElection(string id) =>
        Read(api => api.GetElectionAsync(new GetElectionRequest { ElectionId = id }, deadline: NodeClient.Deadline()), "election", _ => null);

    public ElectionRecord Election(string id) =>
        ElectionCall(api => api.GetElectionAsync(new GetElectionRequest { ElectionId = id }, deadline: NodeClient.Deadline()), "election");

    public TallyResponse Tally(string id) =>
        ElectionCall(api => api.GetTallyAsync(new GetTallyRequest { ElectionId = id }, deadline: NodeClient.Deadline()), "tally");

    /// <summary>The tally with its proof against the node's certified head (to check against the genesis validators).</summary>
    public TallyResponse ProvenTally(string id) =>
        ElectionCall(api => api.GetTallyAsync(new GetTallyRequest { ElectionId = id, Prove = true }, deadline: NodeClient.Deadline()), "tally");

    public GetVoterResponse Voter(string electionId, byte[] credential) =>
        ElectionCall(api => api.GetVoterAsync(
            new GetVoterRequest { ElectionId = electionId, Credential = ByteString.CopyFrom(credential) },
            deadline: NodeClient.Deadline()), "voter");

    /// <summary>A secret election's key generation, decryption and tally at one height (refused for an open election).</summary>
    public SecretElectionResponse SecretElection(string id) =>
        ElectionCall(api => api.GetSecretElectionAsync(new GetElectionRequest { ElectionId = id }, deadline: NodeClient.Deadline()),
            "secret election");

    /// <summary>One weight of an anonymous election: its issuer keys and counts (null issuance before any issuer served it).</summary>
    public IssuanceResponse Issuance(string electionId, ulong weight) =>
        ElectionCall(api => api.GetIssuanceAsync(new GetIssuanceRequest { ElectionId = electionId, Weight = weight },
            deadline: NodeClient.Deadline()), "issuance");

    /// <summary>The node's receipt for a transaction (to check against the genesis validators), or null while it has none.</summary>
    public Receipt? Receipt(byte[] txId) =>
        Read(api => api.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(txId) }, deadline: NodeClient.Deadline()),
            "receipt", _ => null);

    /// <summary>
    /// Governance at the node's head: the validators, authorities and parameters in force, the pending change, and the
    /// newest <paramref name="limit"/> proposals (0: the node's default), or only <paramref name="proposalId"/>.
    /// </summary>
    public GovernanceResponse Governance(uint limit = 0, byte[]? proposalId = null) =>
        Client.Call(api => api.GetGovernanceAsync(GovernanceRequest(limit, proposalId), deadline: NodeClient.Deadline()), "governance");

    /// <summary>As <see cref="Governance"/>, or null from a node that does not serve it (an older version).</summary>
    public GovernanceResponse? GovernanceIfServed(uint limit)
    {
        try
        {
            return Client.Api.GetGovernanceAsync(GovernanceRequest(limit, null), deadline: NodeClient.Deadline()).ResponseAsync.GetAwaiter().GetResult();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            return null;
        }
        catch (RpcException e)
        {
            throw Client.Explain(e, "governance");
        }
    }

    public void Dispose() => Client.Dispose();

    private static GetGovernanceRequest GovernanceRequest(uint limit, byte[]? proposalId) => new()
    {
        Limit = limit,
        ProposalId = proposalId is null ? ByteString.Empty : ByteString.CopyFrom(proposalId),
    };

    private T? Read<T>(Func<VoteChainApi.VoteChainApiClient, AsyncUnaryCall<T>> call, string what, Func<RpcException, T?> whenMissing)
        where T : class
    {
        try
        {
            return call(Client.Api).ResponseAsync.GetAwaiter().GetResult();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && NodeClient.Reason(e) is null)
        {
            return whenMissing(e);
        }
        catch (RpcException e)
        {
            throw Client.Explain(e, what);
        }
    }
}
