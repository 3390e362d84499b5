using System.Runtime.CompilerServices;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// The walk's parallel part and its stack buffers. A large block's root subtrees are walked at once, each by a fork that
/// collects on its own; every other node's groups and results stay on the stack, since the walk visits a node for nearly
/// every change and a block's garbage was a good part of its cost.
/// </summary>
internal sealed partial class TreeUpdater
{
    /// <summary>A walker for one of the root's subtrees, on another thread: same store, version and batch, its own lists.</summary>
    private TreeUpdater Fork() => new(_reader, _version) { _writes = _writes };

    /// <summary>Runs <paramref name="walk"/> for each group on every core, each on a fork, gathers what the forks collected, and gives back each slot's subtree.</summary>
    private void InParallel(ReadOnlySpan<SlotGroup> groups, Func<TreeUpdater, SlotGroup, Subtree> walk, Span<Subtree?> results)
    {
        var all = groups.ToArray();
        var forks = all.Select(_ => Fork()).ToArray();
        var subtrees = new Subtree[all.Length];
        Parallel.For(0, all.Length, ParallelChecks.Options, i => subtrees[i] = walk(forks[i], all[i]));
        _written.EnsureCapacity(_written.Count + forks.Sum(f => f._written.Count));
        for (var i = 0; i < all.Length; i++)
        {
            results[all[i].Slot] = subtrees[i];
            _written.AddRange(forks[i]._written);
            _stale.AddRange(forks[i]._stale);
        }
    }

    /// <summary>The root's slots, each on a fork. Apart from <see cref="UpdateInternal"/> so that it allocates no closure per node.</summary>
    private void UpdateSlotsInParallel(InternalNode root, ReadOnlySpan<SlotGroup> groups, Span<Subtree?> results) =>
        InParallel(groups, (fork, g) => fork.UpdateSlot(root, 0, fork._writes.AsSpan(g.Start, g.End - g.Start)), results);

    /// <summary>A whole tree's sixteen subtrees, each on a fork; apart from <see cref="Build"/> for the same reason.</summary>
    private void BuildInParallel(List<PendingLeaf> entries, ReadOnlySpan<SlotGroup> groups, Span<Subtree?> results) =>
        InParallel(groups, (fork, g) => fork.Build(1, entries.GetRange(g.Start, g.End - g.Start)), results);

    /// <summary>A run of path-sorted items on one slot: items [Start, End) go under <see cref="Slot"/>.</summary>
    private readonly record struct SlotGroup(int Slot, int Start, int End);

    /// <summary>Room for one node's groups on the stack: a node is walked for nearly every change, so no list is allocated.</summary>
    [InlineArray(InternalNode.Slots)]
    private struct SlotGroups
    {
        private SlotGroup _first;
    }

    /// <summary>Each slot's new subtree (null: unchanged), on the stack for the same reason.</summary>
    [InlineArray(InternalNode.Slots)]
    private struct SlotResults
    {
        private Subtree? _first;
    }
}
