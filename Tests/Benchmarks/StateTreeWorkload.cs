using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Benchmarks;

/// <summary>
/// A state tree of <c>records</c> ballot-shaped records (election id, NUL, a 32-byte credential; 60-byte values) in
/// memory, and a block of <c>changes</c> on it: half rewrite existing records (a revote, a tally), half add new ones
/// (a first vote), as a voting block does. Seeded, so every run builds the same tree.
/// </summary>
internal sealed class StateTreeWorkload
{
    public StateTreeWorkload(int records, int changes)
    {
        var random = new Random(17);
        Keys = [.. Enumerable.Range(0, records).Select(_ => Key(random))];
        Values = [.. Keys.Select(_ => Value(random))];
        var initial = Keys.Select((k, i) => new StateChange(StateColumn.Ballots, k, Values[i])).ToList();
        var update = StateTree.Apply(Store, null, 1, initial);
        Store.Commit(update);
        Root = update.NewRoot;

        var block = new List<StateChange>(changes);
        var rewritten = new HashSet<int>();
        while (rewritten.Count < changes / 2)
        {
            rewritten.Add(random.Next(records));
        }

        block.AddRange(rewritten.Select(i => new StateChange(StateColumn.Ballots, Keys[i], Value(random))));
        block.AddRange(Enumerable.Range(0, changes - block.Count).Select(_ => new StateChange(StateColumn.Ballots, Key(random), Value(random))));
        block.Sort(StateChangeOrder.Instance);
        Block = block;
    }

    public MemoryTreeNodeStore Store { get; } = new();

    /// <summary>Version 1's root.</summary>
    public byte[] Root { get; }

    public byte[][] Keys { get; }

    /// <summary>Version 1's value of each of <see cref="Keys"/>.</summary>
    public byte[][] Values { get; }

    /// <summary>The block's changes in <see cref="StateChangeOrder"/>, as <see cref="HashChainRoot.Next"/> takes them.</summary>
    public List<StateChange> Block { get; }

    private static byte[] Key(Random random)
    {
        var key = new byte[12 + 1 + 32];
        "election-001"u8.CopyTo(key);
        random.NextBytes(key.AsSpan(13));
        return key;
    }

    private static byte[] Value(Random random)
    {
        var value = new byte[60];
        random.NextBytes(value);
        return value;
    }
}
