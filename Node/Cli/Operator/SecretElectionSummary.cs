using VoteChain.Consensus.Secret;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// What <c>election show</c> says of a secret election: its settings, where key generation stands (from the node's
/// GetSecretElection, whose phase comes from the core's KeyGenerationStatus) and how far decryption got. The records
/// are its --json fields under "secret".
/// </summary>
internal static class SecretElectionSummary
{
    public static SecretJson ToJson(SecretElectionResponse r)
    {
        var settings = r.Election?.Secret ?? throw new UserInputException(
            $"the node's secret-election answer has no secret ballot settings for election '{r.Election?.Definition?.ElectionId}': it contradicts itself");
        var secret = r.Secret ?? new SecretRecord();
        var unanswered = KeyGenerationStatus.Unanswered(secret);
        var keyGeneration = new KeyGenerationJson(
            r.KeyPhase,
            r.Height,
            [.. secret.Deals.Select(d => d.Dealer)],
            [.. secret.Acks.Select(a => a.Trustee)],
            [.. secret.Acks.Where(a => a.Complaints.Count > 0).Select(a => new ComplaintJson(a.Trustee, [.. a.Complaints]))],
            [.. secret.Reveals.Select(v => new RevealJson(v.Dealer, v.Recipient))],
            [.. unanswered.Order()],
            GenesisTime.Format(r.DealingEndsAtUnixMs),
            GenesisTime.Format(r.ComplaintsEndAtUnixMs),
            GenesisTime.Format(r.AnswersEndAtUnixMs),
            [.. r.QualifiedDealers],
            r.JointKey.IsEmpty ? null : HexInput.Format(r.JointKey.Span));
        var tally = r.Tally ?? new TallyRecord();
        var decryption = new DecryptionJson(
            [.. secret.DecryptionShares.Select(s => s.Trustee)],
            settings.Threshold,
            tally.ResultPublished,
            tally.ResultPublished ? tally.ResultHeight : null);
        return new SecretJson([.. settings.Trustees.Select(t => HexInput.Format(t.Span))], settings.Threshold,
            settings.MinChoices, settings.MaxChoices, settings.KeyPhaseSeconds, keyGeneration, decryption);
    }

    public static void WriteText(TextWriter output, SecretJson s)
    {
        var k = s.KeyGeneration;
        var d = s.Decryption;
        output.WriteLine($"ballot:       secret (encrypted votes; {s.Threshold} of {s.Trustees.Count} trustees decrypt the tally)");
        output.WriteLine(ElectionKey.TrusteesLine(s.Trustees.Count, s.Threshold));
        output.WriteLine($"choices:      {(s.MinChoices == 1 && s.MaxChoices == 1 ? "one-of-k (exactly 1)" : $"approval, {s.MinChoices} to {s.MaxChoices}")}");
        for (var i = 0; i < s.Trustees.Count; i++)
        {
            output.WriteLine($"{$"trustee {i + 1}:",-14}{s.Trustees[i]}");
        }

        output.WriteLine($"key:          {PhaseSentence(k, s.Trustees.Count)} (as of height {k.Height})");
        output.WriteLine($"  dealt:      {List(k.Dealt)} of {s.Trustees.Count}; dealing ends {k.DealingEndsAt}");
        output.WriteLine($"  acked:      {List(k.Acked)} of {s.Trustees.Count}; complaints end {k.ComplaintsEndAt}");
        output.WriteLine($"  complaints: {(k.Complaints.Count == 0 ? "none" : string.Join("; ", k.Complaints.Select(c => $"trustee {c.Trustee} against {List(c.Dealers)}")))}" +
            $"{(k.Unanswered.Count == 0 ? "" : $"; unanswered against {List(k.Unanswered)}")}; answers end {k.AnswersEndAt}");
        if (k.JointKey is not null)
        {
            output.WriteLine($"  joint key:  {k.JointKey} (dealers {List(k.QualifiedDealers)})");
            output.WriteLine("  cross-check: this is this node's answer; compare it with election show --node OTHER, and pin it with vote --joint-key");
        }

        output.WriteLine($"decryption:   shares posted {d.SharesPosted.Count} of {d.SharesNeeded} needed{(d.SharesPosted.Count == 0 ? "" : $" (trustees {List(d.SharesPosted)})")}; " +
            (d.ResultPublished ? $"result published at height {d.ResultHeight}" : "result not published"));
    }

    private static string PhaseSentence(KeyGenerationJson k, int trustees) => k.Phase switch
    {
        "dealing" => $"dealing: {k.Dealt.Count} of {trustees} trustees dealt",
        "complaints" => $"complaints: {k.Acked.Count} of {trustees} trustees acknowledged their shares",
        "answers" => $"answers: dealers {List(k.Unanswered)} must reveal disputed shares",
        "final" => "final: votes are accepted (within the election's window)",
        "failed" => "failed: fewer dealers than the threshold qualified, so this election cannot take votes",
        _ => k.Phase,
    };

    private static string List(IReadOnlyCollection<uint> values) => values.Count == 0 ? "none" : string.Join(", ", values);

    internal sealed record SecretJson(IReadOnlyList<string> Trustees, uint Threshold, uint MinChoices, uint MaxChoices,
        uint KeyPhaseSeconds, KeyGenerationJson KeyGeneration, DecryptionJson Decryption);

    internal sealed record KeyGenerationJson(string Phase, ulong Height, IReadOnlyList<uint> Dealt, IReadOnlyList<uint> Acked,
        IReadOnlyList<ComplaintJson> Complaints, IReadOnlyList<RevealJson> Reveals, IReadOnlyList<uint> Unanswered,
        string DealingEndsAt, string ComplaintsEndAt, string AnswersEndAt, IReadOnlyList<uint> QualifiedDealers, string? JointKey);

    internal sealed record ComplaintJson(uint Trustee, IReadOnlyList<uint> Dealers);

    internal sealed record RevealJson(uint Dealer, uint Recipient);

    internal sealed record DecryptionJson(IReadOnlyList<uint> SharesPosted, uint SharesNeeded, bool ResultPublished, ulong? ResultHeight);
}
