using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>
/// What <c>votechain receipt</c> prints; the properties are its --json fields. It keeps apart what the receipt proves
/// against the genesis (the checks), whether the vote counts at the node's head (proven against that head's certified
/// header, or only the node's word for a receipt without a proven standing) and a proven standing that does not verify.
/// </summary>
internal sealed class ReceiptReport(Receipt receipt, IReadOnlyList<ReceiptCheck> checks, VoteStandingVerdict standing,
    string? standingProblem = null)
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

    /// <summary>What the checks prove, trusting only the genesis validators.</summary>
    public string Proven => Verified
        ? $"the transaction is committed: its envelope hashes to its id, the Merkle proof places it in block {Height}, " +
          $"and {CertificateSignatures} genesis validator signatures (a quorum) finalize that block"
        : "nothing: a check FAILED";

    /// <summary>Whether this vote is the one counted now for its credential: null when not a vote, not reported or its proof failed.</summary>
    public bool? CountedNow { get; } = standing.CountedNow;

    public string CountedNowReason { get; } = standing.Sentence;

    /// <summary>The height the standing is of: the node's head when it answered (a saved receipt keeps that answer).</summary>
    public ulong? CountedNowAsOfHeight { get; } = standing.AsOfHeight;

    /// <summary>True when the standing is proven against a certified header, trusting only the genesis validators.</summary>
    public bool CountedNowProven { get; } = standing.Proven;

    /// <summary>Why the receipt's proven standing does not verify; null when it does or there is none.</summary>
    public string? StandingProblem { get; } = standingProblem;

    /// <summary>The later ballot that replaced this vote (transaction id, hex, and its block), when one did.</summary>
    public string? ReplacedByTxId { get; } = standing.ReplacedByTxId;

    public ulong? ReplacedAtHeight { get; } = standing.ReplacedAtHeight;

    /// <summary>The credential that replaced a revoked one (hex), when the revocation named one.</summary>
    public string? ReplacementCredential { get; } = standing.ReplacementCredential;

    /// <summary>
    /// For an encrypted vote (secret election), whether the counted ballot for the credential holds exactly the
    /// ciphertexts of this receipt's envelope; null for a plaintext vote or when unknown. The envelope itself,
    /// ciphertexts included, is what the checks above prove committed.
    /// </summary>
    public bool? CiphertextsCounted { get; } = standing.CiphertextsMatch;

    public bool Encrypted { get; } = IsEncrypted(receipt);

    /// <summary>What the standing rests on.</summary>
    public string CountedNowSource => StandingProblem is not null ? "nothing: the proven standing FAILED"
        : CountedNowProven ? $"proven against the certified header at height {CountedNowAsOfHeight}, trusting only the genesis validators"
        : "the node's word, not proven by this receipt (votechain audit replays the whole chain)";

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
        output.WriteLine($"{Pad("proven")}against the genesis validators alone: {Proven}");
        if (Encrypted)
        {
            output.WriteLine($"{Pad("encrypted")}yes: the ciphertexts are inside the envelope, so the checks above prove them included");
        }

        output.WriteLine($"{Pad("counted now")}{CountedNowReason}");
        if (CountedNowAsOfHeight is { } height)
        {
            output.WriteLine(CountedNowProven
                ? $"{Pad("")}(proven at height {height} against its certified header, from the genesis validators alone; a later block may change it)"
                : $"{Pad("")}(only the node's word at height {height}, not proven by this receipt; votechain audit replays the whole chain)");
        }
    }

    private static bool IsEncrypted(Receipt receipt)
    {
        try
        {
            var envelope = TxEnvelope.Parser.ParseFrom(receipt.Envelope);
            return TxPayload.Parser.ParseFrom(envelope.Payload).KindCase == TxPayload.KindOneofCase.CastEncryptedVote;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
