namespace VoteChain.Node.Bench;

/// <summary>
/// What signature checking alone allows on this machine: every validator verifies every vote and a devnet's validators
/// share the cores, so limit = cores × one-core verifications/s ÷ validators. The one-core rate is the better of
/// libsodium's loop and openssl's (null where openssl is missing).
/// </summary>
internal sealed record SignatureLimit(int Validators, int Cores, double Libsodium, double? Openssl)
{
    public double OneCore => Math.Max(Libsodium, Openssl ?? 0);

    public double VotesPerSecond => Cores * OneCore / Math.Max(1, Validators);

    public double FractionOf(double committedPerSecond) => VotesPerSecond > 0 ? committedPerSecond / VotesPerSecond : 0;

    /// <summary>The report with the limit's figures filled in.</summary>
    public BenchReport Apply(BenchReport report) => report with
    {
        Ed25519LibsodiumPerSecond = Libsodium,
        Ed25519OpensslPerSecond = Openssl,
        Validators = Validators,
        Cores = Cores,
        FractionOfLimit = FractionOf(report.CommittedVotesPerSecond),
    };
}
