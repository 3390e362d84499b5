using VoteChain.Consensus.Anonymous;
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
    /// <summary>
    /// The first disagreement as a sentence, or null when the counts agree. <paramref name="kept"/> is every issuance
    /// record the state holds for the election: each must match the records, not only the weights the records name.
    /// </summary>
    public static string? Check(IEnumerable<IssuanceRecord> kept, IEnumerable<CredentialRecord> credentials)
    {
        ArgumentNullException.ThrowIfNull(kept);
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

        var keptByWeight = kept.ToDictionary(k => k.Weight);
        foreach (var weight in counts.Keys.Union(keptByWeight.Keys).Order())
        {
            var (served, registered) = counts.GetValueOrDefault(weight);
            if (registered > served)
            {
                return $"weight {weight}: {registered} anonymous credentials registered, but only {served} roll entries served by every issuer";
            }

            var record = keptByWeight.GetValueOrDefault(weight);
            if ((record?.Served ?? 0) != served || (record?.Registered ?? 0) != registered)
            {
                return $"weight {weight}: the records show {served} served and {registered} registered, the kept counts " +
                    $"{record?.Served ?? 0} and {record?.Registered ?? 0}";
            }
        }

        return null;
    }
}
