using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;

namespace VoteChain.Consensus.Chain;

/// <summary>
/// The expensive, order-free part of replaying a block done first and spread over the caller's threads: decoding every
/// transaction (signature checks) and checking encrypted votes' ballot proofs against the parent state
/// (<see cref="ProofPreparation"/>). The replay then runs the rules in block order and finds the proofs checked. The
/// core starts no threads: <c>forEach(count, body)</c> is the caller's loop (Parallel.For at the node's edges, a plain
/// loop by default).
/// </summary>
public static class BlockPreparation
{
    /// <summary>Runs <paramref name="body"/> for 0..count-1 on the calling thread.</summary>
    public static void Serial(int count, Action<int> body)
    {
        for (var i = 0; i < count; i++)
        {
            body(i);
        }
    }

    /// <summary>
    /// Decodes and prepares <paramref name="block"/>'s transactions; returns the decode function to give
    /// <see cref="BlockReplay.Problem"/>, which asks for each transaction once, in block order.
    /// </summary>
    public static Func<byte[], Outcome<VerifiedTx>> Run(ParsedBlock block, IStateReader parent, RuleContext rules,
        Func<byte[], Outcome<VerifiedTx>> decode, Action<int, Action<int>> forEach)
    {
        var transactions = block.Block.Transactions;
        var decoded = new Outcome<VerifiedTx>[transactions.Count];
        forEach(decoded.Length, i => decoded[i] = decode(transactions[i].ToByteArray()));

        var preparation = new ProofPreparation(parent, rules, block.Header.TimeUnixMs);
        var ballots = decoded.Where(d => d.IsOk && ProofPreparation.Applies(d.Value!)).Select(d => d.Value!).ToList();
        forEach(ballots.Count, i => preparation.Prepare(ballots[i]));

        var inOrder = new Queue<Outcome<VerifiedTx>>(decoded);
        return _ => inOrder.Dequeue();
    }
}
