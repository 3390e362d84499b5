namespace VoteChain.Consensus.State.Merkle;

/// <summary>
/// One record a block writes into the tree, or removes when <see cref="Value"/> is null. Today's state never deletes
/// (a <see cref="StateChange"/> always carries a value, possibly zero bytes: a protobuf record with every field at its
/// default), so an empty value is a value here, never a removal.
/// </summary>
public sealed record TreeChange(StateColumn Column, byte[] Key, byte[]? Value)
{
    public static TreeChange From(StateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new TreeChange(change.Column, change.Key, change.Value);
    }
}
