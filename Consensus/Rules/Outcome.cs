using System.Diagnostics.CodeAnalysis;

namespace VoteChain.Consensus.Rules;

/// <summary>Either a value or the <see cref="Rules.Rejection"/> that explains why there is none.</summary>
public readonly struct Outcome<T>
    where T : class
{
    private Outcome(T? value, Rejection? rejection)
    {
        Value = value;
        Rejection = rejection;
    }

    public T? Value { get; }

    public Rejection? Rejection { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsOk => Rejection is null;

    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Fail(Rejection rejection) => new(null, rejection);

    public static implicit operator Outcome<T>(T value) => Ok(value);

    public static implicit operator Outcome<T>(Rejection rejection) => Fail(rejection);
}
