using Google.Protobuf;
using VoteChain.Networking.Api;
using VoteChain.Node.Cli.Verify;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// Receipt verification as `votechain receipt --file` does it: the file's bytes parsed as a receipt (a protobuf
/// error is the command's refusal), then <see cref="ReceiptVerifier"/> through the report's checks, with the
/// fixture's genesis validators. A receipt the verifier accepts must name a transaction whose envelope hashes to it.
/// </summary>
internal sealed class ReceiptTarget : IFuzzTarget
{
    private readonly ReceiptVerifier _verifier = new(FuzzFixture.ValidatorSet, FuzzFixture.ChainId);

    public void Run(byte[] input)
    {
        Receipt receipt;
        try
        {
            receipt = Receipt.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException)
        {
            return;
        }

        var checks = ReceiptChecks.Run(receipt, _verifier);
        var accepted = checks.All(c => c.Result == "ok");
        if (accepted != (_verifier.Problem(receipt) is null))
        {
            throw new PropertyViolation("the receipt report and the verifier disagree");
        }

        if (accepted && !Consensus.Crypto.Hashing.Sha256(receipt.Envelope.Span).AsSpan().SequenceEqual(receipt.TxId.Span))
        {
            throw new PropertyViolation("an accepted receipt's envelope does not hash to its id");
        }
    }
}
