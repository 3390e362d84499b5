namespace VoteChain.Node.Bench;

/// <summary>What `votechain bench` measured. Field names are the --json output (snake_case), documented in the README.</summary>
internal sealed record BenchReport
{
    public required string Election { get; init; }

    public required int Nodes { get; init; }

    public required int Voters { get; init; }

    public required double RegistrationSeconds { get; init; }

    public required int VotesSubmitted { get; init; }

    public required int VotesRefused { get; init; }

    public required int VotesCommitted { get; init; }

    public required double Seconds { get; init; }

    public required double CommittedVotesPerSecond { get; init; }

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP95Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    public required int Blocks { get; init; }

    public required double VotesPerBlockMean { get; init; }

    public required int VotesPerBlockMax { get; init; }

    public required double Ed25519VerificationsPerSecondOneCore { get; init; }

    /// <summary>Each vote is verified on every node; on this machine all nodes share its cores.</summary>
    public required double FractionOfOneCoreSignatureLimit { get; init; }

    /// <summary>True for `bench --secret`: encrypted two-option ballots verified by every replica.</summary>
    public bool Secret { get; init; }

    /// <summary>`bench --secret`: block-time seconds from the last decryption share to the result, for <see cref="ResultWeight"/>.</summary>
    public double? ResultSecondsAfterLastShare { get; init; }

    public ulong? ResultWeight { get; init; }

    /// <summary>`bench --secret`: median time to verify one 2-option ballot's proofs on one core, measured before the load.</summary>
    public double? BallotVerifyMsOneCore { get; init; }

    /// <summary>
    /// `bench --secret`: throughput as a fraction of the machine's ceiling for it, every node verifying every ballot on
    /// cores they share: cores / (nodes × verify time).
    /// </summary>
    public double? FractionOfBallotVerifyLimit { get; init; }

    public IEnumerable<string> Lines()
    {
        yield return $"election:              {Election} on {Nodes} node(s)";
        yield return $"registration:          {Voters:N0} voters in {RegistrationSeconds:F1} s";
        yield return $"votes:                 {VotesCommitted:N0} committed of {VotesSubmitted:N0} submitted ({VotesRefused:N0} refused)";
        yield return $"throughput:            {CommittedVotesPerSecond:N0} committed votes/s over {Seconds:F1} s";
        yield return $"commit latency:        p50 {LatencyP50Ms:N0} ms, p95 {LatencyP95Ms:N0} ms, p99 {LatencyP99Ms:N0} ms (submit to commit)";
        yield return $"blocks:                {Blocks:N0}, {VotesPerBlockMean:N0} votes per block on average, {VotesPerBlockMax:N0} at most";
        yield return $"ed25519 (one core):    {Ed25519VerificationsPerSecondOneCore:N0} verifications/s; throughput = {FractionOfOneCoreSignatureLimit:P1} of it";
        if (Secret)
        {
            yield return "ballots:               secret (encrypted, 2 options, proofs verified by every replica)";
            yield return $"ballot proofs:         {BallotVerifyMsOneCore:F2} ms to verify on one core; throughput = {FractionOfBallotVerifyLimit:P1} " +
                $"of {Environment.ProcessorCount} cores / ({Nodes} nodes × that)";
        }

        if (ResultSecondsAfterLastShare is { } delay)
        {
            yield return $"secret result:         {delay:F1} s from the last decryption share to the result (total weight {ResultWeight:N0})";
        }
    }
}
