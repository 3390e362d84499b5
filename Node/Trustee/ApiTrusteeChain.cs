using Google.Protobuf;
using Grpc.Core;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Trustee;

/// <summary>
/// The trustee loop's chain through a node's public API (<c>votechain trustee run</c>): GetStatus for the chain id,
/// ListElections, GetSecretElection, SubmitTransaction, and GetReceipt to learn that a step committed. Every failure
/// other than a rule's refusal is one line (<see cref="NodeClient.Explain"/>).
/// </summary>
internal sealed class ApiTrusteeChain : ITrusteeChain
{
    private readonly NodeClient _client;

    private ApiTrusteeChain(NodeClient client, string chainId, byte[] genesisHash)
    {
        _client = client;
        ChainId = chainId;
        GenesisHash = genesisHash;
    }

    public string ChainId { get; }

    public byte[] GenesisHash { get; }

    /// <summary>Asks the node for its chain id, so every step is signed for the chain it is sent to.</summary>
    /// <exception cref="UserInputException">The node cannot be reached or refused the call.</exception>
    public static ApiTrusteeChain Connect(NodeClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var status = client.Call(api => api.GetStatusAsync(new GetStatusRequest(), deadline: NodeClient.Deadline()), "status");
        return new ApiTrusteeChain(client, status.ChainId, status.GenesisHash.ToByteArray());
    }

    public IReadOnlyList<ElectionRecord> Elections() =>
        _client.Call(api => api.ListElectionsAsync(new ListElectionsRequest(), deadline: NodeClient.Deadline()), "elections").Elections;

    public TrusteeElectionState? Read(string electionId)
    {
        try
        {
            var answer = _client.Api.GetSecretElection(new GetElectionRequest { ElectionId = electionId }, deadline: NodeClient.Deadline());
            return answer.Election is null ? null : new TrusteeElectionState(answer.Election, answer.Secret, answer.Tally ?? new TallyRecord(),
                answer.HeadTimeUnixMs);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && NodeClient.Reason(e) is null)
        {
            return null;
        }
        catch (RpcException e)
        {
            throw _client.Explain(e, $"secret election {electionId}");
        }
    }

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

    public TrusteeTxStatus Status(byte[] txId)
    {
        try
        {
            _client.Api.GetReceipt(new GetReceiptRequest { TxId = ByteString.CopyFrom(txId) }, deadline: NodeClient.Deadline());
            return TrusteeTxStatus.Committed;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // Not committed; the API does not say whether it is still in the mempool.
            return TrusteeTxStatus.Unknown;
        }
        catch (RpcException e)
        {
            throw _client.Explain(e, "receipt");
        }
    }
}
