using VoteChain.Consensus.Audit;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// Block decoding and validity as a node that trusts only the genesis applies them: <see cref="ChainAuditor"/>
/// runs the same parse, structure, certificate, body, time and rule checks (with the state root) that the engine
/// and sync use, on the first block after the fixture's genesis. A refused block must leave the auditor's state
/// where it was.
/// </summary>
internal sealed class BlockTarget : IFuzzTarget
{
    public void Run(byte[] input)
    {
        var auditor = new ChainAuditor(FuzzFixture.Genesis);
        var before = auditor.State.StateRoot;
        var problems = auditor.Add(input);
        if (problems.Count > 0 && (auditor.Height != 0 || !auditor.State.StateRoot.AsSpan().SequenceEqual(before)))
        {
            throw new PropertyViolation("a refused block changed the replayed state");
        }

        if (problems.Count == 0 && auditor.Height != 1)
        {
            throw new PropertyViolation("an accepted block did not advance the replay to height 1");
        }
    }
}
