using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>One line of the receipt report: a check and its result ("ok", "FAILED" or "not checked").</summary>
internal sealed record ReceiptCheck(string Name, string Description, string Result, string? Problem);

/// <summary>
/// Runs <see cref="ReceiptVerifier"/> (the only judge of a receipt) and lays its verdict out as the list of checks
/// it performs, in its order. The verifier reports only its first problem, as a sentence; the sentence is mapped
/// to the check that produced it, the checks before it passed and the ones after it were not reached.
/// </summary>
internal static class ReceiptChecks
{
    /// <summary>The verifier's checks in its order, each with the opening words of the sentences it can fail with.</summary>
    private static readonly (string Name, string Description, string[] Sentences)[] Checks =
    [
        ("tx_id", "transaction id is the SHA-256 of the envelope",
            ["The receipt's transaction id is", "The receipt's envelope does not hash"]),
        ("header", "block header is for this chain, at the receipt's height",
            ["The receipt's block header is not", "The block header is for chain", "The block header is at height"]),
        ("inclusion", "Merkle proof places the transaction under the header's tx root",
            ["The proof is for a tree", "The receipt puts the transaction", "The Merkle proof does not"]),
        ("block_hash", "header hash is the block hash the commit certificate names",
            ["The receipt carries no commit certificate", "The commit certificate is for another block", "The commit certificate is for height"]),
        ("certificate", "commit certificate is signed by a quorum of the validators in force, followed from genesis through each set change",
            ["Set change ", "The commit certificate does not verify"]),
    ];

    public static IReadOnlyList<ReceiptCheck> Run(Receipt receipt, ReceiptVerifier verifier)
    {
        var problem = verifier.Problem(receipt);
        var failed = problem is null ? Checks.Length : FailedIndex(problem);
        return [.. Checks.Select((check, i) => new ReceiptCheck(check.Name, check.Description,
            i < failed ? "ok" : i == failed ? "FAILED" : "not checked", i == failed ? problem : null))];
    }

    /// <summary>
    /// The index of the check a sentence comes from. A sentence no check claims (the verifier gained a check) is
    /// blamed on the first check, so a failure is never shown as a pass.
    /// </summary>
    private static int FailedIndex(string problem)
    {
        var index = Array.FindIndex(Checks, c => c.Sentences.Any(s => problem.StartsWith(s, StringComparison.Ordinal)));
        return Math.Max(index, 0);
    }
}
