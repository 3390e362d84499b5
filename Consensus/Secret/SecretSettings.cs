using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// The one home of a secret election's settings: their defaults, their bounds, and the resolved form the election
/// record keeps (trustees filled in, threshold and choice bounds set), so no later reader needs the defaults again.
/// </summary>
public static class SecretSettings
{
    public const int MaxTrustees = 32;

    /// <summary>Length of each key generation phase (dealing, complaints, answers) unless the election sets one.</summary>
    public const uint DefaultKeyPhaseSeconds = 120;

    public const uint MinKeyPhaseSeconds = 1;
    public const uint MaxKeyPhaseSeconds = 7 * 24 * 3600;

    /// <summary>
    /// Largest total registered weight of a secret election. The publisher solves each option's discrete log by
    /// baby-step giant-step up to the counted weight: about 2·√bound group additions, some 15 s and a 30 MiB table
    /// at this bound, 0.02 s at 10^6.
    /// </summary>
    public const ulong MaxTotalWeight = 1_000_000_000_000;

    /// <summary>
    /// The default threshold for n trustees: n - f with f = floor((n - 1) / 3). f colluding trustees stay below it
    /// (n - f &gt; f whenever n ≥ 1) and f absent trustees leave n - f, enough to decrypt.
    /// </summary>
    public static uint DefaultThreshold(int trustees) => (uint)(trustees - (trustees - 1) / 3);

    /// <summary>
    /// The lowest threshold n trustees may set: f + 1 with f = floor((n - 1) / 3), so the f trustees the defaults
    /// assume may collude cannot decrypt a ballot on their own, and never 1 unless there is a single trustee, so
    /// that one key among several cannot open every ballot. Below it an authority could name its own key among the
    /// trustees and call an election secret that it can read.
    /// </summary>
    public static uint MinThreshold(int trustees) => trustees <= 1 ? 1 : (uint)Math.Max(2, (trustees - 1) / 3 + 1);

    /// <summary>
    /// Resolves and checks the settings of a new secret election. <paramref name="validatorTrusteeKeys"/> are the
    /// genesis validators' trustee keys (empty entries where a validator has none). Returns the problem, or null.
    /// </summary>
    public static string? TryResolve(SecretBallotSettings requested, int optionCount,
        IReadOnlyList<byte[]> validatorTrusteeKeys, out SecretBallotSettings resolved)
    {
        resolved = requested.Clone();
        if (resolved.Trustees.Count == 0)
        {
            if (validatorTrusteeKeys.Count == 0 || validatorTrusteeKeys.Any(k => k.Length == 0))
            {
                return "The election names no trustees and not every genesis validator has a trustee key.";
            }

            resolved.Trustees.AddRange(validatorTrusteeKeys.Select(ByteString.CopyFrom));
        }

        var n = resolved.Trustees.Count;
        if (n > MaxTrustees)
        {
            return $"A secret election has at most {MaxTrustees} trustees, not {n}.";
        }

        if (Crypto.Ed25519.KeyListProblem(resolved.Trustees, "trustee") is { } keyProblem)
        {
            return keyProblem;
        }

        if (resolved.Threshold == 0)
        {
            resolved.Threshold = DefaultThreshold(n);
        }

        if (resolved.Threshold > n)
        {
            return $"The threshold {resolved.Threshold} is above the number of trustees ({n}).";
        }

        if (resolved.Threshold < MinThreshold(n))
        {
            return $"The threshold {resolved.Threshold} is too low for {n} trustees: at least {MinThreshold(n)}, so no " +
                $"{MinThreshold(n) - 1} of them can decrypt ballots on their own.";
        }

        if (resolved.MaxChoices == 0)
        {
            if (resolved.MinChoices != 0)
            {
                return "Set max_choices with min_choices (both 0 means one-of-k).";
            }

            resolved.MinChoices = 1;
            resolved.MaxChoices = 1;
        }

        if (resolved.MinChoices > resolved.MaxChoices || resolved.MaxChoices > optionCount)
        {
            return $"The choice bounds must satisfy 0 ≤ min ≤ max ≤ {optionCount} (options), not {resolved.MinChoices}..{resolved.MaxChoices}.";
        }

        if (resolved.KeyPhaseSeconds == 0)
        {
            resolved.KeyPhaseSeconds = DefaultKeyPhaseSeconds;
        }

        if (resolved.KeyPhaseSeconds is < MinKeyPhaseSeconds or > MaxKeyPhaseSeconds)
        {
            return $"A key generation phase lasts {MinKeyPhaseSeconds} to {MaxKeyPhaseSeconds} seconds.";
        }

        return null;
    }

    /// <summary>Trustee index (from 1) of a key in an election's resolved settings, or 0 when it is not a trustee.</summary>
    public static uint TrusteeIndex(SecretBallotSettings settings, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < settings.Trustees.Count; i++)
        {
            if (settings.Trustees[i].Span.SequenceEqual(key))
            {
                return (uint)(i + 1);
            }
        }

        return 0;
    }
}
