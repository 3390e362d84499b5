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

    /// <summary>The one-core rate the limit is computed from: the better of the two measurements below.</summary>
    public required double Ed25519VerificationsPerSecondOneCore { get; init; }

    /// <summary>Each vote is verified on every node; on this machine all nodes share its cores.</summary>
    public required double FractionOfOneCoreSignatureLimit { get; init; }

    /// <summary>libsodium's verify loop on one core, measured by this run before the load.</summary>
    public double Ed25519LibsodiumPerSecond { get; init; }

    /// <summary>`openssl speed ed25519`'s verify/s in this run; null where openssl is not there.</summary>
    public double? Ed25519OpensslPerSecond { get; init; }

    /// <summary>Validators in the genesis: each verifies every vote.</summary>
    public int Validators { get; init; }

    /// <summary>Cores of this machine, which the validators of a devnet share.</summary>
    public int Cores { get; init; }

    /// <summary>Committed votes/s ÷ (cores × one-core verifications/s ÷ validators): 1 is every core verifying votes and nothing else.</summary>
    public double FractionOfLimit { get; init; }

    /// <summary>Open loop (`--rate`): the offered rate; null for the closed-loop bulk run.</summary>
    public double? OfferedVotesPerSecond { get; init; }

    public double LatencyP999Ms { get; init; }

    public double LatencyMaxMs { get; init; }

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
        if (OfferedVotesPerSecond is { } offered)
        {
            yield return $"offered load:          {offered:N0} votes/s, open loop (each vote sent at its scheduled time, whatever the node does)";
        }

        yield return $"commit latency:        p50 {LatencyP50Ms:N0} ms, p95 {LatencyP95Ms:N0} ms, p99 {LatencyP99Ms:N0} ms, p99.9 {LatencyP999Ms:N0} ms, " +
            $"max {LatencyMaxMs:N0} ms ({(OfferedVotesPerSecond is null ? "submit" : "scheduled send")} to commit)";
        yield return $"blocks:                {Blocks:N0}, {VotesPerBlockMean:N0} votes per block on average, {VotesPerBlockMax:N0} at most";
        yield return $"ed25519 (one core):    {Ed25519VerificationsPerSecondOneCore:N0} verifications/s, the better of libsodium {Ed25519LibsodiumPerSecond:N0} " +
            $"and openssl {(Ed25519OpensslPerSecond is { } o ? o.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "(not available)")}";
        yield return $"limit:                 {Cores} cores × that ÷ {Validators} validators = {Cores * Ed25519VerificationsPerSecondOneCore / Math.Max(1, Validators):N0} votes/s; " +
            $"throughput = {FractionOfLimit:P1} of it";
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
