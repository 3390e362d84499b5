using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Audit;

/// <summary>
/// An anonymous election's poll book against its credentials, counted from the records alone: per weight, the roll
/// entries every issuer served and the anonymous credentials registered must match the kept counts, and never more
/// credentials than entries served. (The replay has already checked every registration's issuer signatures: the rules
/// ran them.)
/// </summary>
public static class IssuanceRecount
{
    /// <summary>The first disagreement as a sentence, or null when the counts agree.</summary>
    public static string? Check(IStateReader state, ElectionRecord election, IEnumerable<CredentialRecord> credentials)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(election);
        var counts = new SortedDictionary<ulong, (ulong Served, ulong Registered)>();
        foreach (var credential in credentials)
        {
            var (served, registered) = counts.GetValueOrDefault(credential.Weight);
            if (credential.Roll && AnonymousElection.ServedByAll(credential))
            {
                counts[credential.Weight] = (checked(served + 1), registered);
            }
            else if (credential.Anonymous)
            {
                counts[credential.Weight] = (served, checked(registered + 1));
            }
        }

        foreach (var (weight, (served, registered)) in counts)
        {
            if (registered > served)
            {
                return $"weight {weight}: {registered} anonymous credentials registered, but only {served} roll entries served by every issuer";
            }

            var kept = state.GetIssuance(election.Definition.ElectionId, weight);
            if (kept is null || kept.Served != served || kept.Registered != registered)
            {
                return $"weight {weight}: the records show {served} served and {registered} registered, the kept counts " +
                    $"{kept?.Served ?? 0} and {kept?.Registered ?? 0}";
            }
        }

        return null;
    }
}
