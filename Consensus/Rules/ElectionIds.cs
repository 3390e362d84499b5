using System.Text.RegularExpressions;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// The one rule for an election id: 1 to 64 of [A-Za-z0-9._-]. Anchored with \A and \z (not ^ and $, which let a
/// trailing newline through), so an id can never carry a line break into a log line, a CLI line or a state key.
/// </summary>
public static partial class ElectionIds
{
    public static bool IsValid(string electionId) => Pattern().IsMatch(electionId);

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex Pattern();
}
