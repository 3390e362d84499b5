using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests;

/// <summary>Bad requests to a real node get clear errors, and the node keeps serving.</summary>
public sealed class BadInputTests
{
    private TestNetwork _net = null!;
    private VoteChainApi.VoteChainApiClient _api = null!;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _net = TestNetwork.Create(validators: 1, observers: 0);
        await _net.StartAllAsync();
        _api = _net.Api(0);
    }

    [OneTimeTearDown]
    public async Task StopNode() => await _net.DisposeAsync();

    private async Task<RpcException> Refused(byte[] envelope) =>
        (await Assert.ThrowsAsync<RpcException>(async () =>
            await _api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) })))!;

    [Test]
    public async Task Malformed_bytes_are_an_invalid_argument()
    {
        var e = await Refused([0xFF, 0xFF, 0x01]);
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Reason(e), Is.EqualTo("MALFORMED"));
        await StillServing();
    }

    [Test]
    public async Task A_transaction_for_another_chain_is_refused_as_wrong_chain()
    {
        using var key = Ed25519KeyPair.Generate();
        var envelope = TxSigning.Sign(key, new TxPayload { ChainId = "other", CastVote = new CastVote { ElectionId = "e", Sequence = 1 } });
        Assert.That(Reason(await Refused(envelope)), Is.EqualTo("WRONG_CHAIN"));
    }

    [Test]
    public async Task A_bad_signature_is_refused()
    {
        using var key = Ed25519KeyPair.Generate();
        var envelope = TxEnvelope.Parser.ParseFrom(Payloads.Vote(key, "e", 0));
        var signature = envelope.Signature.ToByteArray();
        signature[5] ^= 1;
        envelope.Signature = ByteString.CopyFrom(signature);
        Assert.That(Reason(await Refused(envelope.ToByteArray())), Is.EqualTo("BAD_SIGNATURE"));
    }

    [Test]
    public async Task A_vote_in_an_unknown_election_is_not_found()
    {
        using var key = Ed25519KeyPair.Generate();
        var e = await Refused(Payloads.Vote(key, "no-such-election", 0));
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(Reason(e), Is.EqualTo("UNKNOWN_ELECTION"));
        Assert.That(e.Status.Detail, Does.Contain("no-such-election"));
    }

    [Test]
    public async Task An_oversized_request_is_refused_and_the_node_keeps_serving()
    {
        var huge = new byte[20 * 1024 * 1024];
        var e = await Refused(huge);
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        await StillServing();
    }

    [Test]
    public async Task A_transaction_over_the_transaction_limit_is_too_large()
    {
        // Over max_tx_bytes + framing, the request message itself is refused from its length prefix, unread (limits).
        var unread = await Refused(new byte[300 * 1024]);
        Assert.That(unread.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(unread.Status.Detail, Does.Contain("over this node's limit"));

        // Just over max_tx_bytes it is read, and the mempool's rule names it.
        var judged = await Refused(new byte[(256 * 1024) + 1]);
        Assert.That(Reason(judged), Is.EqualTo("TOO_LARGE"));
        await StillServing();
    }

    [Test]
    public async Task Unknown_blocks_and_elections_are_not_found()
    {
        var block = await Assert.ThrowsAsync<RpcException>(async () => await _api.GetBlockAsync(new GetBlockRequest { Height = 999_999 }));
        Assert.That(block!.StatusCode, Is.EqualTo(StatusCode.NotFound));
        var election = await Assert.ThrowsAsync<RpcException>(async () => await _api.GetElectionAsync(new GetElectionRequest { ElectionId = "nope" }));
        Assert.That(election!.StatusCode, Is.EqualTo(StatusCode.NotFound));
        await StillServing();
    }

    private async Task StillServing()
    {
        var status = await _api.GetStatusAsync(new GetStatusRequest());
        Assert.That(status.ChainId, Is.EqualTo(TestNetwork.ChainId));
    }

    private static string? Reason(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;
}
