using Google.Protobuf;
using Grpc.Core;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class LimitTests : ApiTestBase
{
    [Test]
    public async Task An_oversized_request_is_refused_and_the_server_keeps_serving()
    {
        var huge = new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(new byte[ApiLimits.MaxRequestBytes + 1]) };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.SubmitTransactionAsync(huge, cancellationToken: Deadline));
        var status = await Client.GetStatusAsync(new GetStatusRequest(), cancellationToken: Deadline);
        var accepted = await Client.SubmitTransactionAsync(
            new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0)) },
            cancellationToken: Deadline);

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(status.Height, Is.EqualTo(2));
        Assert.That(accepted.TxId.Length, Is.EqualTo(32));
        Assert.That(Chain.Mempool.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task An_envelope_above_the_transaction_limit_is_TOO_LARGE()
    {
        var large = new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(new byte[1024 * 1024]) };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.SubmitTransactionAsync(large, cancellationToken: Deadline));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(RejectionStatus.ReasonOf(error), Is.EqualTo("TOO_LARGE"));
    }

    [Test]
    public async Task A_submit_stream_above_the_limit_is_refused_after_the_limit_was_submitted()
    {
        using var call = Client.SubmitStream(cancellationToken: Deadline);
        var vote = new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0)) };

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            // The server refuses once envelope limit + 1 arrives; writes after that may fail, the answer says why.
            await call.RequestStream.WriteAsync(vote, Deadline);
            for (var i = 1; i <= MaxStreamEnvelopes; i++)
            {
                await call.RequestStream.WriteAsync(new SubmitTransactionRequest(), Deadline);
            }

            await call.RequestStream.CompleteAsync();
            await call;
        });

        var status = call.GetStatus();
        Assert.That(status.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), () => $"{error}");
        Assert.That(status.Detail, Does.Contain($"the first {MaxStreamEnvelopes} were submitted"));
        Assert.That(Chain.Mempool.Count, Is.EqualTo(1));
    }
}
