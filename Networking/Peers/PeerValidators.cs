using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Pbft;

namespace VoteChain.Networking.Peers;

/// <summary>
/// Which proven keys gossip treats as validators', now that the set changes on a running chain (docs/GOVERNANCE.md):
/// a key of the set in force at the node's next height, or of any set already approved to follow it. A validator that
/// joins or rotates its key must be heard from the height its key comes into force, so a key counts from its set's
/// approval, not only from its activation.
/// </summary>
public sealed class PeerValidators
{
    /// <summary>Slots for per-validator budgets: indexes within a set, which never holds more validators than this.</summary>
    public const int MaxSlots = GovernanceChecks.MaxValidators;

    private readonly ValidatorSchedule _schedule;
    private readonly Func<ulong> _nextHeight;

    /// <param name="nextHeight">The height the node is agreeing on (its committed height + 1).</param>
    public PeerValidators(ValidatorSchedule schedule, Func<ulong> nextHeight)
    {
        _schedule = schedule;
        _nextHeight = nextHeight;
    }

    /// <summary>A set that never changes (tests, tools that serve a fixed chain).</summary>
    public static PeerValidators Fixed(ValidatorSet validators) => new(new ValidatorSchedule(validators), () => 1);

    /// <summary>
    /// The budget slot of a validator's key (its index in the first set, from the next height on, that holds it), or
    /// null for anyone else. A slot is only a bucket for rates and queued bytes: two validators that share one across a
    /// change share a budget for a while, which costs them speed, never safety.
    /// </summary>
    public int? SlotOf(byte[] publicKey)
    {
        var next = _nextHeight();
        if (_schedule.At(next).IndexOf(publicKey) is { } current)
        {
            return current;
        }

        foreach (var (from, set) in _schedule.Sets)
        {
            if (from > next && set.IndexOf(publicKey) is { } later)
            {
                return later;
            }
        }

        return null;
    }

    public bool IsValidator(byte[] publicKey) => SlotOf(publicKey) is not null;
}
