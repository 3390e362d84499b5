using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Consensus.Tests.MerkleState;

/// <summary>
/// A tree in a <see cref="MemoryTreeNodeStore"/> beside a plain dictionary of the records it should hold, one version
/// per batch. Every commit checks what a write batch relies on: new nodes are new keys, stale nodes are stored ones.
/// </summary>
internal sealed class TreeHarness
{
    public MemoryTreeNodeStore Store { get; } = new();

    public Dictionary<(StateColumn Column, string Key), byte[]> Records { get; } = [];

    /// <summary>The records as they stood at each committed version.</summary>
    public Dictionary<ulong, Dictionary<(StateColumn Column, string Key), byte[]>> History { get; } = [];

    public ulong? Version => Store.Version;

    public TreeUpdate Commit(IReadOnlyList<TreeChange> batch)
    {
        var update = StateTree.Apply(Store, Version, (Version ?? 0) + 1, batch);
        foreach (var (key, _) in update.NewNodes)
        {
            Assert.That(Store.Get(key), Is.Null, "a new node must not overwrite a stored one");
        }

        foreach (var key in update.StaleNodes)
        {
            Assert.That(Store.Get(key), Is.Not.Null, "a stale node must be a stored one");
        }

        Store.Commit(update);
        foreach (var change in batch)
        {
            var key = (change.Column, Convert.ToHexString(change.Key));
            if (change.Value is null)
            {
                Records.Remove(key);
            }
            else
            {
                Records[key] = change.Value;
            }
        }

        History[update.Version] = new Dictionary<(StateColumn, string), byte[]>(Records);
        return update;
    }

    /// <summary>Every node key reachable from a version's root, read through the store (a missing node fails the test).</summary>
    public HashSet<string> Reachable(ulong version)
    {
        var seen = new HashSet<string>();
        Walk(TreeNodeKey.Root(version), null, 0, seen);
        return seen;
    }

    private void Walk(byte[] key, byte[]? path, int depth, HashSet<string> seen)
    {
        var bytes = Store.Get(key);
        Assert.That(bytes, Is.Not.Null, $"node {Convert.ToHexString(key)} is missing");
        seen.Add(Convert.ToHexString(key));
        if (TreeNodeCodec.Parse(bytes!, out var problem) is not InternalNode node)
        {
            Assert.That(problem, Is.Null);
            return;
        }

        for (var slot = 0; slot < InternalNode.Slots; slot++)
        {
            if (node[slot] is { } child)
            {
                var childPath = TreePath.WithNibble(path ?? new byte[32], depth, slot);
                Walk(TreeNodeKey.Encode(child.Version, childPath, depth + 1), childPath, depth + 1, seen);
            }
        }
    }
}
