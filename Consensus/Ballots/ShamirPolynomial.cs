namespace VoteChain.Consensus.Ballots;

/// <summary>
/// A random polynomial f of degree t − 1 over the scalars, f(0) the shared secret: f(i) is trustee i's share and
/// a_l·G its Feldman commitments, against which a share can be checked publicly. Trustee indices start at 1
/// because f(0) is the secret itself.
/// </summary>
public sealed class ShamirPolynomial
{
    private readonly Scalar[] _coefficients;

    private ShamirPolynomial(Scalar[] coefficients) => _coefficients = coefficients;

    public int Threshold => _coefficients.Length;

    public Scalar Secret => _coefficients[0];

    public static ShamirPolynomial Random(int threshold, Scalar? secret = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var coefficients = new Scalar[threshold];
        coefficients[0] = secret ?? Scalar.RandomNonZero();
        for (var l = 1; l < threshold; l++)
        {
            coefficients[l] = Scalar.Random();
        }

        return new ShamirPolynomial(coefficients);
    }

    /// <summary>
    /// A polynomial from given coefficients, a_0 first: a trustee derives its dealing polynomial deterministically
    /// from its key (TrusteeKey.DealingPolynomial) so it can rebuild it after a restart.
    /// </summary>
    public static ShamirPolynomial FromCoefficients(IReadOnlyList<Scalar> coefficients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(coefficients.Count, 1);
        return new ShamirPolynomial([.. coefficients]);
    }

    /// <summary>f(index) by Horner's rule.</summary>
    public Scalar Evaluate(uint index)
    {
        ArgumentOutOfRangeException.ThrowIfZero(index);
        var x = Scalar.FromUInt64(index);
        var value = Scalar.Zero;
        for (var l = _coefficients.Length - 1; l >= 0; l--)
        {
            value = value.Multiply(x).Add(_coefficients[l]);
        }

        return value;
    }

    public GroupElement[] Commitments() => [.. _coefficients.Select(GroupElement.MultiplyBase)];

    /// <summary>share·G = Σ index^l · C_l: a public check of a share against its dealer's commitments.</summary>
    public static GroupElement ExpectedShareKey(IReadOnlyList<GroupElement> commitments, uint index)
    {
        var x = Scalar.FromUInt64(index);
        var power = Scalar.One;
        var sum = GroupElement.Identity;
        foreach (var commitment in commitments)
        {
            sum = sum.Add(commitment.Multiply(power));
            power = power.Multiply(x);
        }

        return sum;
    }
}
