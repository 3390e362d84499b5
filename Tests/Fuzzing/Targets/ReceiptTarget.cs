using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Api;
using VoteChain.Node.Cli.Verify;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// Receipt verification as `votechain receipt --file` does it: the file's bytes parsed as a receipt (a protobuf error
/// is the command's refusal), then <see cref="ReceiptVerifier"/> through the report's checks, with the fixture's genesis
/// validators. The fuzzer cannot sign, so the only certified headers it can show are the seed blocks'; soundness is
/// then checkable: a receipt the verifier accepts must prove a transaction that block really holds, at the position
/// the receipt names (a forged Merkle path, an odd tree size or a position past the end must not pass). The vote's
/// proven standing goes through <see cref="StandingVerifier"/> as the command does; it must answer, never throw.
/// </summary>
internal sealed class ReceiptTarget : IFuzzTarget
{
    private readonly ReceiptVerifier _verifier = new(FuzzFixture.ValidatorSet, FuzzFixture.ChainId);
    private readonly StandingVerifier _standing = new(FuzzFixture.ValidatorSet, FuzzFixture.ChainId);

    /// <summary>Each seed block's header hash (hex) and its transaction ids in order.</summary>
    private readonly Dictionary<string, List<byte[]>> _certified = SeedCorpus.Blocks().Select(b => Block.Parser.ParseFrom(b.Bytes))
        .DistinctBy(b => b.Header).ToDictionary(b => Convert.ToHexStringLower(Hashing.Sha256(b.Header.Span)), b => b.Transactions.Select(t => Hashing.Sha256(t.Span)).ToList());

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

        _standing.Judge(receipt, out _);
        var checks = ReceiptChecks.Run(receipt, _verifier);
        var accepted = _verifier.Problem(receipt) is null;
        if (accepted != checks.All(c => c.Result == "ok"))
        {
            throw new PropertyViolation("the receipt report and the verifier disagree");
        }

        if (accepted && !(_certified.TryGetValue(Convert.ToHexStringLower(Hashing.Sha256(receipt.Header.Span)), out var ids)
                && receipt.Position < ids.Count && ids[(int)receipt.Position].AsSpan().SequenceEqual(receipt.TxId.Span)))
        {
            throw new PropertyViolation("an accepted receipt proves a transaction its certified block does not hold at that position");
        }
    }
}
