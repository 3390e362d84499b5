using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// `election show --voter KEY`: one credential as the node records it: registered weight, revoked or not, its counted
/// vote, whom it appointed and whether that weight was used, and what it holds as a proxy.
/// </summary>
internal sealed class VoterStanding
{
    private VoterStanding(VoterJson json) => Json = json;

    public VoterJson Json { get; }

    public static VoterStanding Read(NodeSession session, ElectionRecord election, byte[] key)
    {
        var answer = session.Voter(election.Definition.ElectionId, key);
        var hex = HexInput.Format(key);
        if (answer.Credential is not { } credential)
        {
            return new VoterStanding(new VoterJson(hex, false, 0, false, null, null, null, 0, 0));
        }

        var options = election.Definition.Options;
        var ballot = answer.Ballot is { } b
            ? new BallotJson(election.Secret is null && b.Option < options.Count ? options[(int)b.Option] : null, b.Sequence, b.Height, b.Counted)
            : null;
        var delegation = answer.Delegation is { } standing ? DelegationWords.ToJson(standing, options) : null;
        return new VoterStanding(new VoterJson(hex, true, credential.Weight, credential.Revoked, ballot, delegation,
            credential.DelegationSequence == 0 ? null : credential.DelegationHeight, credential.ReceivedWeight, credential.ReceivedCount));
    }

    public void WriteText(TextWriter stdout)
    {
        var j = Json;
        stdout.WriteLine($"voter:        {j.Credential}");
        if (!j.Registered)
        {
            stdout.WriteLine("              not registered in this election");
            return;
        }

        stdout.WriteLine($"weight:       {j.Weight}{(j.Revoked ? " (revoked)" : "")}");
        stdout.WriteLine(j.Ballot is { } b
            ? $"vote:         {(b.Option is null ? "cast" : $"'{b.Option}'")}, sequence {b.Sequence}, height {b.Height}{(b.Counted ? "" : " (no longer counted)")}"
            : "vote:         none");
        if (j.Delegation is { } d)
        {
            stdout.WriteLine($"proxy:        {d.Proxy ?? "none"}{(j.DelegatedAtHeight is { } h && d.Proxy is not null ? $" (appointed at height {h})" : "")}");
            stdout.WriteLine($"              {d.Sentence}");
        }

        if (j.ReceivedCount > 0)
        {
            stdout.WriteLine($"as a proxy:   {j.ReceivedCount} holder{(j.ReceivedCount == 1 ? "" : "s")} with weight {j.ReceivedWeight} " +
                (j.Ballot is { Counted: true } ? "cast with this credential's vote" : "waiting for this credential to vote"));
        }
    }

    /// <summary>
    /// delegation: whom this credential appointed and whether its weight was used; received_weight and received_count:
    /// the appointments of this credential as a proxy that are in force.
    /// </summary>
    internal sealed record VoterJson(string Credential, bool Registered, ulong Weight, bool Revoked, BallotJson? Ballot,
        DelegationWords.DelegationJson? Delegation, ulong? DelegatedAtHeight, ulong ReceivedWeight, ulong ReceivedCount);

    /// <summary>option: the option's name (null in a secret election).</summary>
    internal sealed record BallotJson(string? Option, ulong Sequence, ulong Height, bool Counted);
}
