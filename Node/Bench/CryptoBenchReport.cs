namespace VoteChain.Node.Bench;

/// <summary>What `votechain bench crypto` measured. Field names are the --json output (snake_case), documented in the README.</summary>
internal sealed record CryptoBenchReport
{
    public required double Ed25519VerifyUs { get; init; }

    public required IReadOnlyList<BallotTiming> Ballots { get; init; }

    public IEnumerable<string> Lines(int iterations)
    {
        yield return $"ed25519 verify (NSec, one core):  {Ed25519VerifyUs:F1} µs";
        yield return $"one-of-k encrypted ballots, weight 1, min = max = 1, median of {iterations} on one core:";
        yield return "  options     bytes   create ms   verify ms";
        foreach (var b in Ballots)
        {
            yield return $"  {b.Options,7} {b.BallotBytes,9:N0} {b.CreateMs,11:F2} {b.VerifyMs,11:F2}";
        }
    }
}

/// <summary>One ballot size: per-ballot median times in milliseconds and the encoded ballot's size.</summary>
internal sealed record BallotTiming(int Options, int BallotBytes, double CreateMs, double VerifyMs);
