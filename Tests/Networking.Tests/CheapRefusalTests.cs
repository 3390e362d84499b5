using System.Diagnostics;
using Google.Protobuf;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// A flood of one bad envelope over real gRPC: it is verified once, and every copy, in one batch or spread over
/// calls and streams, is refused with the same code for the price of a hash.
/// </summary>
public sealed class CheapRefusalTests : ApiTestBase
{
    private const int Copies = 10_000;

    [Test]
    public async Task Ten_thousand_copies_of_one_bad_signature_cost_one_verification_in_a_batch_and_a_stream()
    {
        var bad = BadSignature(Chain.Voter(1), option: 0);
        var checksBefore = Chain.Mempool.SignatureChecks;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var batch = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { Enumerable.Repeat(ByteString.CopyFrom(bad), Copies) } },
            cancellationToken: Deadline);
        var streamed = await StreamAsync(Enumerable.Repeat(bad, MaxStreamEnvelopes - 1));
        var single = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { ByteString.CopyFrom(bad) } }, cancellationToken: Deadline);

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        TestContext.Out.WriteLine($"{Copies + MaxStreamEnvelopes} copies of one bad envelope: " +
            $"{Chain.Mempool.SignatureChecks - checksBefore} verification(s), {cpu.TotalMilliseconds:F0} ms CPU (client and server)");
        Assert.That(Chain.Mempool.SignatureChecks - checksBefore, Is.EqualTo(1));
        var results = batch.Results.Concat(streamed.Results).Concat(single.Results).ToList();
        Assert.That(results, Has.Count.EqualTo(Copies + MaxStreamEnvelopes));
        Assert.That(results.Select(r => r.CodeName).Distinct(), Is.EqualTo(new[] { "BAD_SIGNATURE" }));
        Assert.That(results.Select(r => r.Code).Distinct(), Is.EqualTo(new[] { RejectCode.BadSignature }));
        Assert.That(batch.Accepted + streamed.Accepted + single.Accepted, Is.Zero);
        Assert.That(Chain.Mempool.Count, Is.Zero);
        Assert.That(Gossiped, Is.Empty);
    }

    [Test]
    public async Task A_different_bad_envelope_is_still_verified_and_a_good_one_still_accepted()
    {
        var first = BadSignature(Chain.Voter(1), option: 0);
        var other = BadSignature(Chain.Voter(1), option: 1);
        await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { ByteString.CopyFrom(first) } }, cancellationToken: Deadline);
        var checksBefore = Chain.Mempool.SignatureChecks;

        var refused = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { ByteString.CopyFrom(other), ByteString.CopyFrom(first) } },
            cancellationToken: Deadline);

        Assert.That(Chain.Mempool.SignatureChecks - checksBefore, Is.EqualTo(1), "only the new bad envelope is verified");
        Assert.That(refused.Results.Select(r => r.CodeName), Is.EqualTo(new[] { "BAD_SIGNATURE", "BAD_SIGNATURE" }));

        // The remembered refusal is bound to the bytes: the voter's genuine vote for the same option still counts.
        var good = ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0);
        var accepted = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { ByteString.CopyFrom(good) } }, cancellationToken: Deadline);
        Assert.That(accepted.Accepted, Is.EqualTo(1));
        Assert.That(Chain.Mempool.SignatureChecks - checksBefore, Is.EqualTo(2));
    }

    [Test]
    public async Task Copies_of_a_wrong_chain_envelope_and_replays_of_a_committed_vote_are_not_verified_again()
    {
        var wrongChain = TxSigningForOtherChain(Chain.Voter(2));
        var committed = ApiChain.Vote(ApiChain.Election, Chain.Voter(3), 2);
        Chain.Commit(committed);
        await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { ByteString.CopyFrom(wrongChain) } }, cancellationToken: Deadline);
        var checksBefore = Chain.Mempool.SignatureChecks;

        var response = await Client.SubmitBatchAsync(new SubmitBatchRequest
        {
            Envelopes = { Enumerable.Repeat(ByteString.CopyFrom(wrongChain), 100), Enumerable.Repeat(ByteString.CopyFrom(committed), 100) },
        }, cancellationToken: Deadline);

        Assert.That(Chain.Mempool.SignatureChecks, Is.EqualTo(checksBefore));
        Assert.That(response.Results.Take(100).Select(r => r.CodeName).Distinct(), Is.EqualTo(new[] { "WRONG_CHAIN" }));
        Assert.That(response.Results.Skip(100).Select(r => r.CodeName).Distinct(), Is.EqualTo(new[] { "DUPLICATE_TRANSACTION" }));
    }

    private static byte[] BadSignature(Consensus.Crypto.ISigner voter, uint option)
    {
        var envelope = TxEnvelope.Parser.ParseFrom(ApiChain.Vote(ApiChain.Election, voter, option));
        var signature = envelope.Signature.ToByteArray();
        signature[7] ^= 0x01;
        envelope.Signature = ByteString.CopyFrom(signature);
        return envelope.ToByteArray();
    }

    private static byte[] TxSigningForOtherChain(Consensus.Crypto.ISigner voter) =>
        Consensus.Transactions.TxSigning.Sign(voter, new TxPayload
        {
            ChainId = "another-chain",
            CastVote = new CastVote { ElectionId = ApiChain.Election, Option = 0, Sequence = 1 },
        });

    private async Task<SubmitBatchResponse> StreamAsync(IEnumerable<byte[]> envelopes)
    {
        using var call = Client.SubmitStream(cancellationToken: Deadline);
        foreach (var envelope in envelopes)
        {
            await call.RequestStream.WriteAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) }, Deadline);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }
}
