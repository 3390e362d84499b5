using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// The transaction decoder: every envelope a client submits or a peer gossips goes through it first. Beyond not
/// throwing, it promises that the id is the hash of the exact bytes and that the same bytes always get the same
/// verdict (the mempool remembers refusals by hash on the strength of that).
/// </summary>
internal sealed class TransactionTarget : IFuzzTarget
{
    private readonly TxDecoder _decoder = new(FuzzFixture.ChainId);

    public void Run(byte[] input)
    {
        var first = _decoder.Decode(input);
        var again = _decoder.Decode(input);
        if (first.IsOk != again.IsOk || first.Rejection?.Code != again.Rejection?.Code)
        {
            throw new PropertyViolation("the same envelope bytes got two different verdicts");
        }

        if (first.Value is { } verified && !verified.Id.AsSpan().SequenceEqual(Hashing.Sha256(input)))
        {
            throw new PropertyViolation("a decoded transaction's id is not the hash of its bytes");
        }
    }
}
