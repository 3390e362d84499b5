namespace VoteChain.Storage;

/// <summary>
/// The last committed block: its height, its hash and the state root after it. The store keeps one immutable
/// instance and swaps it atomically after each commit, so a reader never sees the height of one block with the
/// hash or root of another. <see cref="ChainStore.Head"/> hands out copies, so callers may keep them.
/// </summary>
public sealed record HeadState(ulong Height, byte[] Hash, byte[] StateRoot)
{
    internal HeadState Copy() => new(Height, (byte[])Hash.Clone(), (byte[])StateRoot.Clone());
}
