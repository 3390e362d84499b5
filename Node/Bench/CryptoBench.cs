using System.Diagnostics;
using System.Text;
using VoteChain.Consensus.Ballots;

namespace VoteChain.Node.Bench;

/// <summary>
/// Single-threaded cost of the cryptography a replica runs per vote: an Ed25519 signature check and, for secret
/// elections, creating and verifying a one-of-k encrypted ballot. Everything runs on the calling thread, so the
/// figures are per core and comparable with the per-ballot targets of issue 10.
/// </summary>
internal static class CryptoBench
{
    public static readonly int[] OptionCounts = [2, 5, 10];

    // Long enough for a steady rate of ~50 µs operations, short enough to keep the whole command around a second.
    private static readonly TimeSpan SignatureDuration = TimeSpan.FromMilliseconds(300);

    // Any fixed bytes do: the proofs bind the context, and create and verify must only agree on it.
    private static readonly byte[] Context = Encoding.UTF8.GetBytes("votechain bench crypto");

    private const int WarmUpRounds = 3;

    public static CryptoBenchReport Run(int iterations)
    {
        // The same measurement `votechain bench` reports, so both commands agree on this machine's signature speed.
        var verifyUs = 1e6 / SignatureSpeed.VerificationsPerSecond(SignatureDuration);
        var key = ElGamalKeyPair.Generate();
        return new CryptoBenchReport
        {
            Ed25519VerifyUs = verifyUs,
            Ballots = OptionCounts.Select(k => MeasureBallot(key.PublicKey, k, iterations)).ToList(),
            BlindSignature = BlindSignatureBench.Measure(iterations),
        };
    }

    public static BallotTiming MeasureBallot(GroupElement publicKey, int optionCount, int iterations)
    {
        const ulong weight = 1;
        const int min = 1;
        const int max = 1;

        // The chosen option moves round so no branch of the proofs is favoured.
        bool[] Choices(int round) => Enumerable.Range(0, optionCount).Select(i => i == round % optionCount).ToArray();

        for (var i = 0; i < WarmUpRounds; i++)
        {
            var ballot = EncryptedBallot.Create(Context, publicKey, weight, Choices(i), min, max);
            Check(ballot.Verify(Context, publicKey, weight, optionCount, min, max), optionCount);
        }

        var create = new double[iterations];
        var verify = new double[iterations];
        var bytes = 0;
        for (var i = 0; i < iterations; i++)
        {
            var choices = Choices(i);
            var start = Stopwatch.GetTimestamp();
            var ballot = EncryptedBallot.Create(Context, publicKey, weight, choices, min, max);
            create[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            start = Stopwatch.GetTimestamp();
            var valid = ballot.Verify(Context, publicKey, weight, optionCount, min, max);
            verify[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Check(valid, optionCount);
            bytes = ballot.EncodedSize;
        }

        return new BallotTiming(optionCount, bytes, Median(create), Median(verify));
    }

    // A figure from ballots that do not verify would be meaningless, so the run stops instead.
    private static void Check(bool valid, int optionCount)
    {
        if (!valid)
        {
            throw new InvalidOperationException($"An honest {optionCount}-option ballot failed to verify.");
        }
    }

    // The median, because a single GC pause or scheduler hiccup in a short run would skew a mean.
    internal static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
