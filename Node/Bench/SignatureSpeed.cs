using System.Diagnostics;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Node.Bench;

/// <summary>
/// Ed25519 verifications per second on one core, measured on this machine in the same run as the benchmark, so
/// the vote rate can be read as a fraction of what signature checking alone allows.
/// </summary>
internal static class SignatureSpeed
{
    public static double VerificationsPerSecond(TimeSpan duration)
    {
        using var key = Ed25519KeyPair.Generate();
        var message = new byte[160];
        var signature = key.Sign(message);
        var publicKey = key.PublicKey;

        // Warm up, then count whole verifications in the time given.
        for (var i = 0; i < 200; i++)
        {
            Ed25519.Verify(publicKey, message, signature);
        }

        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 100; i++)
            {
                if (!Ed25519.Verify(publicKey, message, signature))
                {
                    throw new InvalidOperationException("A valid signature failed to verify.");
                }
            }

            count += 100;
        }

        return count / watch.Elapsed.TotalSeconds;
    }
}
