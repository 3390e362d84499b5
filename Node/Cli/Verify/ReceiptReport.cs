using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>What <c>votechain receipt</c> prints; the properties are its --json fields.</summary>
internal sealed class ReceiptReport(Receipt receipt, IReadOnlyList<ReceiptCheck> checks)
{
    public string TxId { get; } = Convert.ToHexStringLower(receipt.TxId.Span);

    public ulong Height { get; } = receipt.Height;

    public uint Position { get; } = receipt.Position;

    public ulong TreeSize { get; } = receipt.TreeSize;

    /// <summary>SHA-256 of the receipt's header bytes: the hash the certificate must name.</summary>
    public string BlockHash { get; } = Convert.ToHexStringLower(Hashing.Sha256(receipt.Header.Span));

    public int CertificateSignatures { get; } = receipt.Certificate?.Signatures.Count ?? 0;

    public bool Verified => Checks.All(c => c.Problem is null);

    public IReadOnlyList<ReceiptCheck> Checks { get; } = checks;

    private static string Pad(string label) => label.PadRight(14);

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"{Pad("transaction")}{TxId}");
        output.WriteLine($"{Pad("height")}{Height}");
        output.WriteLine($"{Pad("position")}{Position} of {TreeSize}");
        output.WriteLine($"{Pad("block hash")}{BlockHash}");
        output.WriteLine($"{Pad("certificate")}{CertificateSignatures} signatures");
        foreach (var check in Checks)
        {
            output.WriteLine($"  {check.Result,-12}{check.Description}");
        }

        output.WriteLine(Verified ? "verified: the transaction is committed" : "NOT verified");
    }
}
