using System.Collections.Immutable;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// The validator sets of a chain by the first height each certifies (docs/GOVERNANCE.md): genesis's from height 1, then
/// one more for each change a block's header announced. Safe to read from any thread while one thread extends it: the
/// list is replaced whole, never changed in place.
/// </summary>
public sealed class ValidatorSchedule
{
    private ImmutableArray<(ulong From, ValidatorSet Set)> _sets;

    public ValidatorSchedule(ValidatorSet genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _sets = [(1UL, genesis)];
    }

    public ValidatorSet Genesis => _sets[0].Set;

    /// <summary>Every set and the first height it certifies, genesis's first.</summary>
    public IReadOnlyList<(ulong From, ValidatorSet Set)> Sets => _sets;

    /// <summary>The set that certifies the block at <paramref name="height"/>, as far as this schedule knows.</summary>
    public ValidatorSet At(ulong height)
    {
        var sets = _sets;
        for (var i = sets.Length - 1; i > 0; i--)
        {
            if (sets[i].From <= height)
            {
                return sets[i].Set;
            }
        }

        return sets[0].Set;
    }

    /// <summary>
    /// Takes the change a committed block's header announced. The same change again (several engines, or a block
    /// fetched after it was committed) is no change; a change before the last one known cannot happen on one chain.
    /// </summary>
    public void Add(ValidatorChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var sets = _sets;
        var last = sets[^1];
        if (change.ActivationHeight == last.From && last.Set.Matches(change))
        {
            return;
        }

        if (change.ActivationHeight <= last.From)
        {
            throw new InvalidOperationException(
                $"A validator change for height {change.ActivationHeight} cannot follow the one for height {last.From}.");
        }

        _sets = sets.Add((change.ActivationHeight, new ValidatorSet(change.PublicKeys.Select(k => k.ToByteArray()))));
    }

    /// <summary>A copy that grows on its own (an engine's, beside the node's).</summary>
    public ValidatorSchedule Copy() => new(this);

    private ValidatorSchedule(ValidatorSchedule other) => _sets = other._sets;
}
