using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Verify;

/// <summary>Transactions the shared <see cref="Payloads"/> lack, and submission helpers for the verify tests.</summary>
internal static class VerifyPayloads
{
    public static byte[] Revoke(ISigner authority, string id, byte[] credential) =>
        TestNetwork.Sign(authority, new TxPayload
        {
            RevokeCredential = new RevokeCredential { ElectionId = id, Credential = ByteString.CopyFrom(credential) },
        });

    /// <summary>Submits envelopes in one batch (so they tend to share a block) and requires every one accepted.</summary>
    public static async Task SubmitAllAsync(VoteChainApi.VoteChainApiClient api, IEnumerable<byte[]> envelopes)
    {
        var request = new SubmitBatchRequest();
        request.Envelopes.AddRange(envelopes.Select(ByteString.CopyFrom));
        var response = await api.SubmitBatchAsync(request);
        Assert.That(response.Accepted, Is.EqualTo(request.Envelopes.Count),
            () => string.Join("; ", response.Results.Where(r => r.CodeName.Length > 0).Select(r => $"{r.CodeName}: {r.Message}")));
    }

    /// <summary>Waits until the node's tally of the election satisfies the condition (an unknown election does not).</summary>
    public static Task TallyHoldsAsync(VoteChainApi.VoteChainApiClient api, string id, Func<TallyRecord, bool> condition, string what) =>
        Eventually.HoldsAsync(async () =>
        {
            try
            {
                return condition((await api.GetTallyAsync(new GetTallyRequest { ElectionId = id })).Tally);
            }
            catch (Grpc.Core.RpcException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), () => $"{what} in {id}");

    public static string Hex(byte[] envelope) => Convert.ToHexStringLower(Hashing.Sha256(envelope));
}
