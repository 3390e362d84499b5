using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Proxy voting recomputed from the records alone: which appointments are in force (holder not revoked and without a
/// ballot, proxy registered and not revoked), and so what every proxy received. Audits compare it with the running sums
/// the rules keep in the proxies' records.
/// </summary>
public static class DelegationRecount
{
    /// <summary>Per proxy key: the weight and number of holders whose appointment of it is in force.</summary>
    public static Dictionary<byte[], (ulong Weight, ulong Count)> Received(IReadOnlyCollection<RecountVoter> voters)
    {
        var byKey = new Dictionary<byte[], RecountVoter>(ByteKeyComparer.Instance);
        foreach (var voter in voters)
        {
            byKey[voter.Key] = voter;
        }

        var received = new Dictionary<byte[], (ulong Weight, ulong Count)>(ByteKeyComparer.Instance);
        foreach (var (_, holder, ballot) in voters)
        {
            if (holder.Proxy.IsEmpty || holder.Revoked || ballot is not null
                || !byKey.TryGetValue(holder.Proxy.ToByteArray(), out var proxy) || proxy.Credential.Revoked)
            {
                continue;
            }

            var sum = received.GetValueOrDefault(proxy.Key);
            received[proxy.Key] = (checked(sum.Weight + holder.Weight), sum.Count + 1);
        }

        return received;
    }

    /// <summary>Why the proxies' kept sums disagree with the recount; null when every one agrees.</summary>
    public static string? Check(IReadOnlyCollection<RecountVoter> voters)
    {
        var received = Received(voters);
        foreach (var (key, credential, _) in voters)
        {
            var expected = received.GetValueOrDefault(key);
            if (credential.ReceivedWeight != expected.Weight || credential.ReceivedCount != expected.Count)
            {
                return $"proxy {Convert.ToHexStringLower(key)} keeps {credential.ReceivedWeight} weight from {credential.ReceivedCount} holders, " +
                    $"but its holders' appointments in force give {expected.Weight} from {expected.Count}";
            }
        }

        return null;
    }
}
