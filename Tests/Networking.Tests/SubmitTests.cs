using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class SubmitTests : ApiTestBase
{
    [Test]
    public async Task An_accepted_transaction_returns_its_id_waits_in_the_mempool_and_is_gossiped()
    {
        var vote = ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 2);

        var response = await Client.SubmitTransactionAsync(Request(vote), cancellationToken: Deadline);

        Assert.That(response.TxId.ToByteArray(), Is.EqualTo(Hashing.Sha256(vote)));
        Assert.That(Chain.Mempool.Contains(response.TxId.ToByteArray()), Is.True);
        Assert.That(Gossiped, Is.EqualTo(new[] { vote }));
    }

    [Test]
    public async Task A_bad_signature_is_InvalidArgument_with_reason_BAD_SIGNATURE()
    {
        var envelope = TxEnvelope.Parser.ParseFrom(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0));
        var signature = envelope.Signature.ToByteArray();
        signature[5] ^= 0x01;
        envelope.Signature = ByteString.CopyFrom(signature);

        var error = await RefusedAsync(envelope.ToByteArray());

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(RejectionStatus.ReasonOf(error), Is.EqualTo("BAD_SIGNATURE"));
        Assert.That(error.Status.Detail, Does.Contain("signature does not verify"));
        Assert.That(Chain.Mempool.Count, Is.Zero);
        Assert.That(Gossiped, Is.Empty);
    }

    [Test]
    public async Task A_vote_in_an_unknown_election_is_NotFound_with_reason_UNKNOWN_ELECTION()
    {
        var error = await RefusedAsync(ApiChain.Vote("no-such-election", Chain.Voter(1), 0));

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(RejectionStatus.ReasonOf(error), Is.EqualTo("UNKNOWN_ELECTION"));
    }

    [Test]
    public async Task Malformed_bytes_are_InvalidArgument_with_reason_MALFORMED()
    {
        var error = await RefusedAsync([0xFF, 0xFF, 0xFF]);

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(RejectionStatus.ReasonOf(error), Is.EqualTo("MALFORMED"));
    }

    [Test]
    public async Task A_second_vote_of_one_credential_is_AlreadyExists_with_reason_ALREADY_VOTED()
    {
        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0));

        var error = await RefusedAsync(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1, sequence: 2));

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.AlreadyExists));
        Assert.That(RejectionStatus.ReasonOf(error), Is.EqualTo("ALREADY_VOTED"));
    }

    [Test]
    public async Task A_batch_gives_one_result_per_envelope_in_order()
    {
        var good = ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1);
        var unregistered = ApiChain.Vote(ApiChain.Election, Chain.Voter(9), 1);
        var request = new SubmitBatchRequest
        {
            Envelopes = { ByteString.CopyFrom(good), ByteString.CopyFrom([1, 2, 3]), ByteString.CopyFrom(unregistered), ByteString.CopyFrom(good) },
        };

        var response = await Client.SubmitBatchAsync(request, cancellationToken: Deadline);

        Assert.That(response.Accepted, Is.EqualTo(1));
        Assert.That(response.Results.Select(r => r.CodeName), Is.EqualTo(new[] { "", "MALFORMED", "NOT_REGISTERED", "DUPLICATE_TRANSACTION" }));
        Assert.That(response.Results[0].TxId.ToByteArray(), Is.EqualTo(Hashing.Sha256(good)));
        Assert.That(response.Results[0].Code, Is.EqualTo(RejectCode.Unspecified));
        Assert.That(response.Results[2].Message, Is.Not.Empty);
        Assert.That(Gossiped, Is.EqualTo(new[] { good }));
    }

    [Test]
    public async Task A_batch_above_the_limit_is_InvalidArgument_and_nothing_is_submitted()
    {
        var request = new SubmitBatchRequest();
        request.Envelopes.Add(ByteString.CopyFrom(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1)));
        request.Envelopes.AddRange(Enumerable.Repeat(ByteString.Empty, ApiLimits.MaxBatchEnvelopes));

        var error = (await Assert.ThrowsAsync<RpcException>(async () => await Client.SubmitBatchAsync(request, cancellationToken: Deadline)))!;

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(Chain.Mempool.Count, Is.Zero);
    }

    [Test]
    public async Task A_client_stream_is_submitted_with_one_result_per_envelope()
    {
        var votes = Enumerable.Range(1, 3).Select(i => ApiChain.Vote(ApiChain.Election, Chain.Voter(i), (uint)i - 1)).ToList();
        using var call = Client.SubmitStream(cancellationToken: Deadline);

        foreach (var envelope in votes.Append([0x08]))
        {
            await call.RequestStream.WriteAsync(Request(envelope), Deadline);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.That(response.Accepted, Is.EqualTo(3));
        Assert.That(response.Results.Select(r => r.CodeName), Is.EqualTo(new[] { "", "", "", "MALFORMED" }));
        Assert.That(votes.All(v => Chain.Mempool.Contains(Hashing.Sha256(v))), Is.True);
    }

    [Test]
    public async Task A_client_stream_longer_than_a_chunk_is_submitted_whole()
    {
        var count = ApiLimits.StreamChunkEnvelopes + 5;
        using var call = Client.SubmitStream(cancellationToken: Deadline);

        for (var i = 0; i < count; i++)
        {
            await call.RequestStream.WriteAsync(new SubmitTransactionRequest(), Deadline);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        Assert.That(response.Results, Has.Count.EqualTo(count));
        Assert.That(response.Results.All(r => r.CodeName == "MALFORMED"), Is.True);
    }

    private static SubmitTransactionRequest Request(byte[] envelope) => new() { Envelope = ByteString.CopyFrom(envelope) };

    private async Task<RpcException> RefusedAsync(byte[] envelope) =>
        (await Assert.ThrowsAsync<RpcException>(async () => await Client.SubmitTransactionAsync(Request(envelope), cancellationToken: Deadline)))!;
}
