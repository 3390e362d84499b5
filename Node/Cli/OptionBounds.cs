using System.CommandLine;
using System.Numerics;

namespace VoteChain.Node.Cli;

/// <summary>Bounds on numeric options, checked while parsing: a value outside them is bad usage (exit 2).</summary>
internal static class OptionBounds
{
    public static void Within<T>(Option<T> option, T low, T high, string error)
        where T : INumber<T> =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is var value && (value < low || value > high))
            {
                result.AddError(error);
            }
        });
}
