namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Baby-step giant-step for v·G with v in [0, bound]: m = ⌈√(bound + 1)⌉ baby steps j·G (j &lt; m) kept in a table
/// keyed by the first 8 bytes of the encoding, then up to m giant steps target − i·(m·G). Cost: about 2·√bound group
/// additions (~6-9 µs each here) and m table entries (~30 bytes each). Measured for bound 10^6 (m = 1,001): ~12 ms
/// to build, ~12 ms worst-case solve; by the same count 10^9 (m ≈ 31,623) is ~0.4 s each and ~1 MB, 10^12
/// (m = 10^6) ~12 s each and ~30 MB. Build once per election; solve each option.
/// Off-chain only (the result publisher); replicas check the published value with one multiplication.
/// </summary>
public sealed class DiscreteLogTable
{
    /// <summary>Caps the table so a hostile bound cannot exhaust memory: bounds up to about 1.7·10^13.</summary>
    public const ulong MaxBabySteps = 1UL << 22;

    private readonly Dictionary<ulong, uint> _babySteps;
    private readonly ulong _stepCount;
    private readonly GroupElement _giantStep;

    public DiscreteLogTable(ulong bound)
    {
        Bound = bound;
        if (bound >= MaxBabySteps * MaxBabySteps)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "the discrete-log bound is too large");
        }

        // m² must cover bound + 1 values; the double square root can land one short for large bounds.
        _stepCount = (ulong)Math.Ceiling(Math.Sqrt(bound + 1.0));
        while (_stepCount * _stepCount < bound + 1)
        {
            _stepCount++;
        }

        _babySteps = new Dictionary<ulong, uint>((int)_stepCount);
        var point = GroupElement.Identity;
        for (uint j = 0; j < _stepCount; j++)
        {
            // On a (rare) prefix collision the first entry wins; a hit is always confirmed below.
            _babySteps.TryAdd(Key(point), j);
            point = point.Add(GroupElement.Generator);
        }

        _giantStep = point; // m·G
    }

    public ulong Bound { get; }

    public bool TrySolve(GroupElement target, out ulong value)
    {
        var current = target;
        for (ulong i = 0; i < _stepCount; i++)
        {
            if (_babySteps.TryGetValue(Key(current), out var j))
            {
                var candidate = i * _stepCount + j;
                if (candidate <= Bound && GroupElement.MultiplyBase(Scalar.FromUInt64(candidate)).Equals(target))
                {
                    value = candidate;
                    return true;
                }
            }

            current = current.Subtract(_giantStep);
        }

        value = 0;
        return false;
    }

    private static ulong Key(GroupElement element) => BitConverter.ToUInt64(element.Span[..8]);
}
