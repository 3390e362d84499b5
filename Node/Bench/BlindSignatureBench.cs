using System.Diagnostics;
using System.Security.Cryptography;
using VoteChain.Consensus.Anonymous;
using VoteChain.Node.Anonymous;

namespace VoteChain.Node.Bench;

/// <summary>
/// Single-threaded cost of an anonymous credential's RSA-3072 blind signature (RFC 9474): the voter's blinding and
/// finalizing, the issuer's blind signing, the chain's verification per issuer, and the issuer's one-off derivation of
/// a weight's key. Medians on the calling thread, so per core.
/// </summary>
internal static class BlindSignatureBench
{
    private const int WarmUpRounds = 2;

    public static BlindSignatureTiming Measure(int iterations)
    {
        var start = Stopwatch.GetTimestamp();
        var key = IssuerWeightKey.Derive(RandomNumberGenerator.GetBytes(IssuerWeightKey.SeedSize), "bench", "bench", 1);
        var derive = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var publicKey = key.PublicKeyDer;
        var message = AnonymousSigning.CredentialMessage("bench", "bench", 1, RandomNumberGenerator.GetBytes(32));

        var (blind, sign, finalize, verify) = (new double[iterations], new double[iterations], new double[iterations], new double[iterations]);
        for (var i = -WarmUpRounds; i < iterations; i++)
        {
            start = Stopwatch.GetTimestamp();
            var prepared = BlindRsa.Prepare(message);
            var blinded = BlindRsa.Blind(publicKey, prepared);
            var blindMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            start = Stopwatch.GetTimestamp();
            var blindSignature = BlindRsa.BlindSign(key.PrivateKey, blinded.Value);
            var signMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            start = Stopwatch.GetTimestamp();
            var signature = BlindRsa.Finalize(publicKey, prepared, blindSignature, blinded.State);
            var finalizeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            start = Stopwatch.GetTimestamp();
            var valid = IssuerKeyCheck.Verify(publicKey, prepared, signature);
            var verifyUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (!valid)
            {
                throw new InvalidOperationException("An honest blind signature failed to verify.");
            }

            if (i >= 0)
            {
                (blind[i], sign[i], finalize[i], verify[i]) = (blindMs, signMs, finalizeMs, verifyUs);
            }
        }

        return new BlindSignatureTiming(IssuerKeyCheck.KeyBits, CryptoBench.Median(blind), CryptoBench.Median(sign),
            CryptoBench.Median(finalize), CryptoBench.Median(verify), derive);
    }
}

/// <summary>One blind signature's costs: milliseconds for the voter's and issuer's steps, microseconds for the chain's check.</summary>
internal sealed record BlindSignatureTiming(int KeyBits, double BlindMs, double BlindSignMs, double FinalizeMs, double VerifyUs,
    double DeriveKeySeconds);
