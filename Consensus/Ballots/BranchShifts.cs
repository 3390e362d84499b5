namespace VoteChain.Consensus.Ballots;

/// <summary>
/// The points B − m_j·G a membership proof multiplies by its challenge shares. Every allowed value of a ballot is a
/// small multiple of the public weight w, so w·G is computed once per ballot (not once per branch, as a base
/// multiplication of m_j would) and the multiples j·w·G come from additions, which cost less than base
/// multiplications; v·G for a public v hides nothing, so no constant-time concern arises. A zero value shifts nothing.
/// </summary>
internal static class BranchShifts
{
    /// <summary>w·G for a non-zero weight: the one base multiplication a ballot's value shifts need.</summary>
    public static GroupElement WeightPoint(ulong weight) => GroupElement.MultiplyBase(Scalar.FromUInt64(weight));

    /// <summary>[B, B − w·G]: the shifts of an option proof over the values {0, w}.</summary>
    public static GroupElement[] ForOption(GroupElement b, GroupElement weightPoint) => [b, b.Subtract(weightPoint)];

    /// <summary>
    /// B − j·w·G for j = min … max. The caller has checked the bounds (no overflow of max·w), so j·w·G built by
    /// additions is exactly (j·w)·G, the value the transcript names.
    /// </summary>
    public static GroupElement[] ForRange(GroupElement b, GroupElement weightPoint, ulong weight, int min, int max)
    {
        var shifts = new GroupElement[max - min + 1];
        var multiple = min switch
        {
            0 => GroupElement.Identity,
            1 => weightPoint,
            _ => GroupElement.MultiplyBase(Scalar.FromUInt64((ulong)min * weight)),
        };
        for (var j = 0; j < shifts.Length; j++)
        {
            if (j > 0)
            {
                multiple = multiple.IsIdentity ? weightPoint : multiple.Add(weightPoint);
            }

            shifts[j] = multiple.IsIdentity ? b : b.Subtract(multiple);
        }

        return shifts;
    }
}
