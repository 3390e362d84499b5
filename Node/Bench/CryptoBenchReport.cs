namespace VoteChain.Node.Bench;

/// <summary>What `votechain bench crypto` measured. Field names are the --json output (snake_case), documented in the README.</summary>
internal sealed record CryptoBenchReport
{
    public required double Ed25519VerifyUs { get; init; }

    public required IReadOnlyList<BallotTiming> Ballots { get; init; }

    public required BlindSignatureTiming BlindSignature { get; init; }

    public IEnumerable<string> Lines(int iterations)
    {
        yield return $"ed25519 verify (NSec, one core):  {Ed25519VerifyUs:F1} µs";
        yield return $"one-of-k encrypted ballots, weight 1, min = max = 1, median of {iterations} on one core:";
        yield return "  options     bytes   create ms   verify ms";
        foreach (var b in Ballots)
        {
            yield return $"  {b.Options,7} {b.BallotBytes,9:N0} {b.CreateMs,11:F2} {b.VerifyMs,11:F2}";
        }

        var s = BlindSignature;
        yield return $"anonymous credentials, RSA-{s.KeyBits} blind signatures (RFC 9474), median of {iterations} on one core:";
        yield return $"  blind (voter)        {s.BlindMs,8:F2} ms";
        yield return $"  blind-sign (issuer)  {s.BlindSignMs,8:F2} ms";
        yield return $"  finalize (voter)     {s.FinalizeMs,8:F2} ms";
        yield return $"  verify (chain)       {s.VerifyUs,8:F1} µs per issuer";
        yield return $"  derive a weight key  {s.DeriveKeySeconds,8:F2} s (issuer, once per weight; one sample)";
    }
}

/// <summary>One ballot size: per-ballot median times in milliseconds and the encoded ballot's size.</summary>
internal sealed record BallotTiming(int Options, int BallotBytes, double CreateMs, double VerifyMs);
