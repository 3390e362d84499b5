using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>What a planned membership change does to the set.</summary>
public enum MembershipOp
{
    /// <summary>The node (a spare, following from the start) joins at the end of the list.</summary>
    Add,

    /// <summary>The node's key leaves the set.</summary>
    Remove,

    /// <summary>The node's key is replaced, at the same index, by the second key the node holds.</summary>
    Rotate,
}

/// <summary>A membership change the run's governance approves in the block at <paramref name="ApprovedAt"/>.</summary>
public sealed record PlannedChange(ulong ApprovedAt, MembershipOp Op, int Node);

/// <summary>
/// The simulator's stand-in for governance, as <see cref="SimLedger"/> stands in for the voting rules: a fixed plan says
/// which block approves which change, and that block's header must carry exactly the change the real rules would put
/// there (the new set, taking effect <see cref="GovernanceRules.ActivationDelay"/> blocks later). Every other block
/// carries none. Proposers build their headers from it, validators check them against it.
/// </summary>
internal sealed class SimGovernance
{
    private readonly Dictionary<ulong, ValidatorChange> _byApproval = [];

    /// <param name="keysOf">Each node's keys: its first, and the one a rotation moves it to.</param>
    public SimGovernance(IReadOnlyList<byte[]> genesisKeys, IReadOnlyList<PlannedChange> plan, Func<int, (byte[] First, byte[] Next)> keysOf)
    {
        var members = genesisKeys.ToList();
        ulong lastActivation = 0;
        foreach (var change in plan)
        {
            if (change.ApprovedAt < Math.Max(1, lastActivation))
            {
                throw new ArgumentException($"The change approved at {change.ApprovedAt} comes before the last one takes effect at {lastActivation}.", nameof(plan));
            }

            var (first, next) = keysOf(change.Node);
            var current = members.FindIndex(k => k.AsSpan().SequenceEqual(first) || k.AsSpan().SequenceEqual(next));
            switch (change.Op)
            {
                case MembershipOp.Add when current < 0:
                    members.Add(first);
                    break;
                case MembershipOp.Remove when current >= 0:
                    members.RemoveAt(current);
                    break;
                case MembershipOp.Rotate when current >= 0 && members[current].AsSpan().SequenceEqual(first):
                    members[current] = next;
                    break;
                default:
                    throw new ArgumentException($"Change {change} does not fit the set at that point.", nameof(plan));
            }

            lastActivation = change.ApprovedAt + GovernanceRules.ActivationDelay;
            var announced = new ValidatorChange { ActivationHeight = lastActivation };
            announced.PublicKeys.AddRange(members.Select(Google.Protobuf.ByteString.CopyFrom));
            _byApproval[change.ApprovedAt] = announced;
        }
    }

    /// <summary>The change the block at <paramref name="height"/> must carry, or null.</summary>
    public ValidatorChange? ChangeFor(ulong height) => _byApproval.GetValueOrDefault(height)?.Clone();

    /// <summary>Null when the header carries exactly the planned change (or none where none is planned).</summary>
    public string? Problem(ParsedBlock block)
    {
        var expected = _byApproval.GetValueOrDefault(block.Height);
        var actual = block.Header.ValidatorChange;
        return (expected is null && actual is null) || (expected is not null && expected.Equals(actual))
            ? null
            : "the header's validator change is not the one governance approved";
    }

    /// <summary>The schedule a node knows from the blocks it holds: genesis's set, then each change its headers announced.</summary>
    public static ValidatorSchedule ScheduleFrom(ValidatorSet genesis, IEnumerable<FinalizedBlock> blocks)
    {
        var schedule = new ValidatorSchedule(genesis);
        foreach (var block in blocks)
        {
            if (block.Block.Header.ValidatorChange is { } change)
            {
                schedule.Add(change);
            }
        }

        return schedule;
    }
}
