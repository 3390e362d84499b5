using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class ReceiptTests : ApiTestBase
{
    private ReceiptVerifier Verifier => new(Chain.Validators, ApiChain.ChainId);

    [Test]
    public async Task A_receipt_verifies_offline_against_the_validator_set()
    {
        var votes = Enumerable.Range(1, 3).Select(i => ApiChain.Vote(ApiChain.Election, Chain.Voter(i), 0)).ToArray();
        Chain.Commit(votes);

        var receipt = await ReceiptFor(votes[1]);

        Assert.That((receipt.Height, receipt.Position, receipt.TreeSize), Is.EqualTo((3UL, 1U, 3UL)));
        Assert.That(receipt.Envelope.ToByteArray(), Is.EqualTo(votes[1]));
        Assert.That(receipt.Proof, Has.Count.EqualTo(2));
        Assert.That(Verifier.Problem(receipt), Is.Null);
    }

    [Test]
    public async Task A_receipt_of_the_only_transaction_of_a_block_verifies()
    {
        var receipt = await ReceiptFor(Chain.CreateElection());

        Assert.That((receipt.Height, receipt.TreeSize, receipt.Proof.Count), Is.EqualTo((1UL, 1UL, 0)));
        Assert.That(Verifier.Problem(receipt), Is.Null);
    }

    [Test]
    public async Task A_flipped_proof_byte_fails_the_Merkle_check()
    {
        var receipt = await ThreeVoteReceipt();
        receipt.Proof[0] = Flipped(receipt.Proof[0], 3);

        Assert.That(Verifier.Problem(receipt), Does.StartWith("The Merkle proof does not place the transaction at position 1"));
    }

    [Test]
    public async Task A_changed_header_is_not_the_certified_block()
    {
        var receipt = await ThreeVoteReceipt();
        var header = BlockHeader.Parser.ParseFrom(receipt.Header);
        header.TimeUnixMs += 1;
        receipt.Header = header.ToByteString();

        Assert.That(Verifier.Problem(receipt), Does.StartWith("The commit certificate is for another block"));
    }

    [Test]
    public async Task A_flipped_certificate_signature_fails_the_quorum_check()
    {
        var receipt = await ThreeVoteReceipt();
        var signature = receipt.Certificate.Signatures[0];
        signature.Signature = Flipped(signature.Signature, 10);

        Assert.That(Verifier.Problem(receipt),
            Is.EqualTo("The commit certificate does not verify: the commit signature of validator 0 does not verify."));
    }

    [Test]
    public async Task A_flipped_envelope_byte_no_longer_hashes_to_the_id()
    {
        var receipt = await ThreeVoteReceipt();
        receipt.Envelope = Flipped(receipt.Envelope, 4);

        Assert.That(Verifier.Problem(receipt), Is.EqualTo("The receipt's envelope does not hash to its transaction id."));
    }

    [Test]
    public async Task A_receipt_checked_against_other_validators_fails()
    {
        var receipt = await ThreeVoteReceipt();
        var strangers = new ReceiptVerifier(new ValidatorSet([Chain.Key(77).PublicKey]), ApiChain.ChainId);

        Assert.That(strangers.Problem(receipt), Does.StartWith("The commit certificate does not verify"));
    }

    [Test]
    public async Task A_receipt_checked_for_another_chain_fails()
    {
        var receipt = await ThreeVoteReceipt();

        Assert.That(new ReceiptVerifier(Chain.Validators, "other-chain").Problem(receipt),
            Is.EqualTo("The block header is for chain 'api-test', not 'other-chain'."));
    }

    [Test]
    public async Task A_receipt_claiming_another_height_or_tree_size_fails()
    {
        var wrongHeight = await ThreeVoteReceipt();
        wrongHeight.Height = 2;
        var wrongSize = wrongHeight.Clone();
        wrongSize.Height = 3;
        wrongSize.TreeSize = 4;

        Assert.That(Verifier.Problem(wrongHeight), Is.EqualTo("The block header is at height 3, but the receipt says 2."));
        Assert.That(Verifier.Problem(wrongSize), Is.EqualTo("The proof is for a tree of 4 transactions, but the block holds 3."));
    }

    [Test]
    public async Task An_unknown_transaction_is_NotFound_and_a_short_id_InvalidArgument()
    {
        var pending = ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0);
        await Client.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(pending) }, cancellationToken: Deadline);

        var unknown = await Refused(Hashing.Sha256(pending));
        var shortId = await Refused([1, 2, 3]);

        Assert.That(unknown.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(shortId.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    private async Task<Receipt> ThreeVoteReceipt()
    {
        var votes = Enumerable.Range(1, 3).Select(i => ApiChain.Vote(ApiChain.Election, Chain.Voter(i), 0)).ToArray();
        Chain.Commit(votes);
        return await ReceiptFor(votes[1]);
    }

    /// <summary>The receipt of a transaction of the setup blocks or of one committed by the test.</summary>
    private async Task<Receipt> ReceiptFor(byte[] envelope) =>
        await Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(Hashing.Sha256(envelope)) },
            cancellationToken: Deadline);

    private async Task<RpcException> Refused(byte[] txId) =>
        (await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(txId) }, cancellationToken: Deadline)))!;

    private static ByteString Flipped(ByteString bytes, int index)
    {
        var copy = bytes.ToByteArray();
        copy[index] ^= 0x01;
        return ByteString.CopyFrom(copy);
    }
}
