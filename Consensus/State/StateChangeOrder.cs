namespace VoteChain.Consensus.State;

/// <summary>The canonical order of a block's state changes: by column, then by key bytes.</summary>
public sealed class StateChangeOrder : IComparer<StateChange>
{
    public static readonly StateChangeOrder Instance = new();

    public int Compare(StateChange? x, StateChange? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        // As integers: an enum's own CompareTo takes an object, boxing both columns on every comparison of a block's sort.
        var byColumn = ((int)x.Column).CompareTo((int)y.Column);
        return byColumn != 0 ? byColumn : x.Key.AsSpan().SequenceCompareTo(y.Key);
    }
}
