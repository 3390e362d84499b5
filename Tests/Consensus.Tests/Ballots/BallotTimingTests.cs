using System.Diagnostics;
using VoteChain.Consensus.Ballots;
using static VoteChain.Consensus.Tests.Ballots.BallotTestSupport;

namespace VoteChain.Consensus.Tests.Ballots;

/// <summary>
/// Prints rough costs for docs/PRIVACY.md. Nothing is asserted about time (shared CI cores vary too much); the
/// loops are short so the suite stays fast. `votechain bench crypto` is the place for real figures.
/// </summary>
public sealed class BallotTimingTests
{
    [Test]
    public void Print_ballot_and_share_costs()
    {
        var key = ElGamalKeyPair.Generate();
        var context = Context();
        foreach (var k in new[] { 2, 5, 10 })
        {
            var choices = Enumerable.Range(0, k).Select(i => i == 0).ToArray();
            // Warm-up past tiered JIT's first tier, so the loop times optimized code.
            for (var i = 0; i < 40; i++)
            {
                EncryptedBallot.Create(context, key.PublicKey, 3, choices, 1, 1).Verify(context, key.PublicKey, 3, k, 1, 1);
            }

            const int rounds = 20;
            var ballots = new EncryptedBallot[rounds];
            var create = Stopwatch.StartNew();
            for (var i = 0; i < rounds; i++)
            {
                ballots[i] = EncryptedBallot.Create(context, key.PublicKey, 3, choices, 1, 1);
            }

            create.Stop();
            var verify = Stopwatch.StartNew();
            var ok = ballots.Count(b => b.Verify(context, key.PublicKey, 3, k, 1, 1));
            verify.Stop();
            Assert.That(ok, Is.EqualTo(rounds));
            TestContext.Out.WriteLine($"one-of-{k}: {ballots[0].EncodedSize} bytes, create {create.Elapsed.TotalMilliseconds / rounds:F2} ms, verify {verify.Elapsed.TotalMilliseconds / rounds:F2} ms");
        }

        var (c, _) = ElGamal.Encrypt(key.PublicKey, 1);
        var shares = new DecryptionShare[20];
        var shareCreate = Stopwatch.StartNew();
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = DecryptionShare.Create(context, 1, key.Secret, key.PublicKey, c);
        }

        shareCreate.Stop();
        var shareVerify = Stopwatch.StartNew();
        Assert.That(shares.All(s => s.Verify(context, key.PublicKey, c)), Is.True);
        shareVerify.Stop();
        TestContext.Out.WriteLine($"decryption share: create {shareCreate.Elapsed.TotalMilliseconds / shares.Length:F3} ms, verify {shareVerify.Elapsed.TotalMilliseconds / shares.Length:F3} ms");

        var table = Stopwatch.StartNew();
        var dlog = new DiscreteLogTable(1_000_000);
        table.Stop();
        var solve = Stopwatch.StartNew();
        Assert.That(dlog.TrySolve(GroupElement.MultiplyBase(Scalar.FromUInt64(999_999)), out _), Is.True);
        solve.Stop();
        TestContext.Out.WriteLine($"discrete log bound 10^6: table {table.Elapsed.TotalMilliseconds:F1} ms, worst-case solve {solve.Elapsed.TotalMilliseconds:F1} ms");
    }
}
